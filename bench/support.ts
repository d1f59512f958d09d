/**
 * What several benches share: admin SQL on a throwaway connection, a throwaway database,
 * waiting for a server they spawned, and the machine's load average for the report.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
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

/**
 * Drops `name` and the databases the app created for it — database-level tenants and the
 * tenant template (lib/tenancy/isolation/planes.ts marks each with a comment naming its
 * main database) — ten at a time: each DROP DATABASE forces a checkpoint on PostgreSQL 15.
 */
export async function dropWithTenantDatabases(admin: string, name: string): Promise<void> {
  const owned = await adminQuery(
    admin,
    `SELECT d.datname FROM pg_database d
       JOIN pg_shdescription s ON s.objoid = d.oid AND s.classoid = 'pg_database'::regclass
      WHERE s.description = $1`,
    [`logiaccounting tenant of ${name}`],
  );
  const names = owned.rows.map((row: { datname: string }) => row.datname);
  const drop = (database: string) =>
    adminQuery(admin, `DROP DATABASE IF EXISTS "${database.replaceAll('"', '""')}" WITH (FORCE)`);
  for (let i = 0; i < names.length; i += 10) await Promise.all(names.slice(i, i + 10).map(drop));
  await drop(name);
}

/**
 * Databases `<prefix>_<10 hex>` of earlier runs that nobody is connected to: what a bench
 * killed before its clean-up left behind. Dropped, with their tenant databases.
 */
async function dropLeftovers(admin: string, prefix: string): Promise<string[]> {
  const { rows } = await adminQuery(
    admin,
    `SELECT d.datname FROM pg_database d
      WHERE d.datname ~ $1
        AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)`,
    [`^${prefix}_[0-9a-f]{10}$`],
  );
  const names = rows.map((row: { datname: string }) => row.datname);
  for (const name of names) await dropWithTenantDatabases(admin, name);
  return names;
}

/**
 * A new, empty database `<prefix>_<random>` on the admin URL's server. Leftovers of killed
 * runs with the same prefix are dropped first.
 */
export async function throwawayDatabase(admin: string, prefix = "bench"): Promise<ThrowawayDatabase> {
  const leftovers = await dropLeftovers(admin, prefix);
  if (leftovers.length)
    console.log(`dropped ${leftovers.length} database(s) left by killed runs: ${leftovers.join(", ")}`);
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  await adminQuery(admin, `CREATE DATABASE "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => dropWithTenantDatabases(admin, name),
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

/**
 * Writes `bench/results/<name>.json` (git-ignored): the run's figures with the date, Node, the
 * CPU and the load average at the end, so a result file says where it was measured.
 */
export function writeBenchResult(name: string, figures: Record<string, unknown>): string {
  const out = join(dirname(fileURLToPath(import.meta.url)), "results", `${name}.json`);
  mkdirSync(dirname(out), { recursive: true });
  const machine = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    loadAverage1mAtEnd: loadavg()[0],
  };
  writeFileSync(out, `${JSON.stringify({ ...machine, ...figures }, null, 2)}\n`);
  return out;
}
