import { resolve } from "node:path";

/**
 * Database settings from the environment, read in one place.
 * - DATABASE_URL set: a PostgreSQL server (owner role: runs migrations).
 * - DATABASE_URL unset: embedded PGlite in DATA_DIR (default ./.data).
 */
export type DatabaseMode = "server" | "embedded";

export interface DatabaseConfig {
  mode: DatabaseMode;
  databaseUrl?: string;
  dataDir: string;
  poolMax: number;
  /**
   * How long an idle pooled connection is kept (DATABASE_POOL_IDLE_MS, default 5 min). pg's
   * default, 10 s, closed the connections a burst had opened between two bursts, so the next
   * burst paid for new backends and SCRAM handshakes while other workspaces waited
   * (bench/noisy-neighbour.ts).
   */
  poolIdleMs: number;
}

export function databaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  return {
    mode: databaseUrl ? "server" : "embedded",
    databaseUrl,
    dataDir: resolve(/*turbopackIgnore: true*/ env.DATA_DIR?.trim() || ".data"),
    poolMax: Number(env.DATABASE_POOL_MAX ?? 10) || 10,
    poolIdleMs: Number(env.DATABASE_POOL_IDLE_MS ?? 300_000) || 300_000,
  };
}
