/**
 * What several benches share: admin SQL on a throwaway connection, a throwaway database,
 * waiting for a server they spawned, and the machine's load average for the report.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import pg from "pg";

/** One statement on a connection of its own (CREATE/DROP DATABASE, settings), closed after. */
export async function adminQuery(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

export interface ThrowawayDatabase {
  name: string;
  /** The admin URL pointed at the new database. */
  url: string;
  /** Drops it, whoever is still connected. */
  drop(): Promise<void>;
}

/** A new, empty database `<prefix>_<random>` on the admin URL's server. */
export async function throwawayDatabase(admin: string, prefix = "bench"): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  await adminQuery(admin, `CREATE DATABASE "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await adminQuery(admin, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** Waits until the server on `port` answers /api/health (≤ 2 min); fails at once if it exits. */
export async function waitForServer(port: number, server?: ChildProcess): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (server && server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    const up = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("server did not start");
}

/** The 1, 5 and 15 minute load averages, two decimals. */
export const loadAverage = () => loadavg().map((l) => Number(l.toFixed(2)));
