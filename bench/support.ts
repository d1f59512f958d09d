/**
 * What several benches share: admin SQL on a throwaway connection, waiting for a server
 * they spawned, and the machine's load average for the report.
 */
import type { ChildProcess } from "node:child_process";
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
