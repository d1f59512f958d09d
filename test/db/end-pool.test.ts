import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endPool } from "@/lib/db/end-pool";
import { testDatabaseUrl } from "../support/databases";

/**
 * A closed pool's sessions are gone at the server when endPool resolves. The connection
 * budget of database-level tenants releases a pool's connections at that moment, and a
 * template database must have no sessions before it is copied; pg.Pool#end() alone resolves
 * before its connections have closed (here, a third of the sessions were still listed).
 */

const POOLS = 100;

describe.skipIf(!process.env.TEST_DATABASE_URL)("endPool on PostgreSQL", () => {
  let admin: pg.Client;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
  });

  afterAll(async () => {
    await admin.end();
  });

  async function sessionsLeft(close: (pool: pg.Pool) => Promise<void>): Promise<number> {
    let left = 0;
    for (let i = 0; i < POOLS; i++) {
      const application = `end-pool-${process.pid}-${i}-${Math.random().toString(36).slice(2)}`;
      const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2, application_name: application });
      await Promise.all([pool.query("SELECT 1"), pool.query("SELECT 1")]);
      await close(pool);
      const { rows } = await admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1",
        [application],
      );
      left += rows[0].n;
    }
    return left;
  }

  it(`after ${POOLS} pools of 2 connections, no session of theirs is left at the server`, async () => {
    expect(await sessionsLeft(endPool)).toBe(0);
  });

  it("a script whose pool lets idle sockets go (allowExitOnIdle) gets past endPool instead of exiting mid-wait", () => {
    const script = fileURLToPath(new URL("../support/end-pool-script.mts", import.meta.url));
    const run = spawnSync(process.execPath, ["--import", "tsx", script, testDatabaseUrl()], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.stdout.trim()).toBe("ended");
    expect(run.status).toBe(0);
  });

  it("an unused pool and a pool whose clients are checked out end too", async () => {
    await endPool(new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 }));
    const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
    const client = await pool.connect();
    const ended = endPool(pool);
    client.release();
    await ended;
    expect(pool.totalCount).toBe(0);
  });
});
