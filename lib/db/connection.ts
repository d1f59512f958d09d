import { PGlite } from "@electric-sql/pglite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Pool } from "pg";
import { databaseConfig, type DatabaseConfig } from "./config";
import { endPool } from "./end-pool";
import { pgExecutor, pgliteExecutor, type SqlExecutor } from "./sql";
import { installStatementScope } from "./statement-scope";
import { installTenantBeginHook } from "./tenant-begin";

/**
 * The one physical connection of this process to the main database: a pg Pool in server
 * mode, one PGlite instance in embedded mode. Stored on globalThis under a registered
 * symbol so that every bundle in the process (proxy, route handlers, instrumentation,
 * Next's dev reloads) shares it: two PGlite instances on one data directory would
 * corrupt it.
 */
export type MainConnection =
  | { mode: "server"; pool: Pool; sql: SqlExecutor; config: DatabaseConfig }
  | { mode: "embedded"; pglite: PGlite; sql: SqlExecutor; config: DatabaseConfig };

const KEY = Symbol.for("logiaccounting.main-connection");
type Holder = { [KEY]?: Promise<MainConnection> };

async function open(config: DatabaseConfig): Promise<MainConnection> {
  if (config.mode === "server") {
    const pool = new Pool({
      connectionString: config.databaseUrl,
      max: config.poolMax,
      idleTimeoutMillis: config.poolIdleMs,
      // Idle connections do not keep a script's process alive.
      allowExitOnIdle: true,
    });
    installTenantBeginHook(pool);
    installStatementScope(pool);
    return { mode: "server", pool, sql: pgExecutor(pool), config };
  }
  mkdirSync(dirname(config.dataDir), { recursive: true });
  const pglite = await PGlite.create(config.dataDir);
  return { mode: "embedded", pglite, sql: pgliteExecutor(pglite), config };
}

export function mainConnection(): Promise<MainConnection> {
  const holder = globalThis as Holder;
  holder[KEY] ??= open(databaseConfig()).catch((error: unknown) => {
    delete holder[KEY];
    throw error;
  });
  return holder[KEY];
}

/** Closes the process's connection (scripts and tests). */
export async function closeMainConnection(): Promise<void> {
  const holder = globalThis as Holder;
  const pending = holder[KEY];
  delete holder[KEY];
  if (!pending) return;
  const connection = await pending;
  if (connection.mode === "server") await endPool(connection.pool);
  else await connection.pglite.close();
}
