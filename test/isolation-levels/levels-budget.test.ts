import { randomUUID } from "node:crypto";
import pg from "pg";
import { migrateMainDatabase } from "@/lib/db/bootstrap";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetDatabaseClients } from "@/lib/db/reset";
import { quoteIdent } from "@/lib/db/sql";
import { runInTenantContext, type TenantContext } from "@/lib/tenancy/context";
import { databaseNameFor, provisionTenantPlane, tenantPlaneGauges } from "@/lib/tenancy/isolation/planes";
import { scopedTenantClient, tenantTransaction } from "@/lib/tenancy/scoped-client";
import { createPostgresDatabase, dropPostgresDatabase, testDatabaseUrl } from "../support/databases";

/**
 * The connection budget with 300 database-level tenants on PostgreSQL: each has a database
 * t_<id> of its own (created from the tenant template by provisionTenantPlane), and the
 * process may hold at most TENANT_DB_CONNECTION_BUDGET connections to all of them together
 * (pools of TENANT_DB_POOL_MAX each, in an LRU: lib/tenancy/isolation/connection-manager.ts).
 *
 * A sampler reads, every few milliseconds and after every touch, both the manager's own
 * gauge (tenantPlaneGauges) and the server's view (pg_stat_activity: backends connected to
 * one of these 300 databases). Neither may ever exceed the budget — while provisioning, while
 * the tenants are touched one after the other, and while 8 workers touch them at once.
 */

const TENANTS = 300;
const BUDGET = 6;
const POOL_MAX = 2;
const ENV_KEYS = ["DATABASE_URL", "TENANT_DB_CONNECTION_BUDGET", "TENANT_DB_POOL_MAX"] as const;

interface Sampler {
  samples: number;
  maxGauge: number;
  maxServer: number;
  sampleNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Samples both views of the connections every 5 ms until stopped, and whenever a touch asks.
 * The sampler's own connection (a pg.Client, which queues its queries) is to the main
 * database, so it is never counted.
 */
function startSampler(admin: pg.Client, names: string[]): Sampler {
  let stopped = false;
  let queue = Promise.resolve();
  const sampler: Sampler = {
    samples: 0,
    maxGauge: 0,
    maxServer: 0,
    // One sample at a time: the loop and the touches share the one client.
    sampleNow: () => (queue = queue.then(sample)),
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
  async function sample(): Promise<void> {
    const gauges = await tenantPlaneGauges();
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = ANY($1)`,
      [names],
    );
    // The gauge read before the server's view and again after it: both bracket the instant.
    const after = await tenantPlaneGauges();
    sampler.samples++;
    sampler.maxGauge = Math.max(sampler.maxGauge, gauges.databases.connections, after.databases.connections);
    sampler.maxServer = Math.max(sampler.maxServer, rows[0].n);
  }
  const loop = (async () => {
    while (!stopped) {
      await sampler.sampleNow();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return sampler;
}

async function eachLimited<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        await fn(items[index], index);
      }
    }),
  );
}

function contextOf(id: string): TenantContext {
  return {
    tenant: { id, slug: `b-${id.slice(0, 8)}`, isolationLevel: "database", tier: "enterprise", features: {} },
    actor: { type: "system", reason: "connection budget test" },
  };
}

describe(`connection budget: ${TENANTS} database-level tenants touched in turn [postgres]`, () => {
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  const tenants = Array.from({ length: TENANTS }, () => randomUUID());
  const names = tenants.map(databaseNameFor);
  let admin: pg.Client | undefined;
  let main: { name: string; url: string } | undefined;
  let openError: unknown;

  beforeAll(async () => {
    try {
      admin = new pg.Client({ connectionString: testDatabaseUrl() });
      await admin.connect();
      await resetDatabaseClients();
      main = await createPostgresDatabase();
      process.env.DATABASE_URL = main.url;
      // Read when the tenant planes are created, i.e. at their first use after the reset.
      process.env.TENANT_DB_CONNECTION_BUDGET = String(BUDGET);
      process.env.TENANT_DB_POOL_MAX = String(POOL_MAX);
      // The control plane too: the planes read a tenant's own-server setting from it.
      await migrateMainDatabase();
    } catch (error) {
      openError = error;
    }
  });

  beforeEach(() => {
    if (openError !== undefined) throw openError;
  });

  afterAll(async () => {
    // Pools first (a pool whose connection is killed by DROP … FORCE must not be open), then
    // the 300 databases in parallel: PostgreSQL 15 forces a checkpoint per DROP DATABASE, and
    // concurrent drops share checkpoints (one at a time took ~1.6 s each on this machine).
    await resetDatabaseClients();
    if (admin) {
      const url = testDatabaseUrl();
      await eachLimited(names, 12, async (name) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
        } finally {
          await client.end();
        }
      });
      await admin.end();
    }
    // Drops the main database and what the planes marked as its own (the tenant template).
    if (main) await dropPostgresDatabase(main.name);
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }, 300_000);

  it(`never holds more than ${BUDGET} connections to tenant databases, evicting as it goes`, async () => {
    const sampler = startSampler(admin!, names);
    const timings: Record<string, number> = {};
    let t = performance.now();
    try {
      // ── provisioning: CREATE DATABASE … TEMPLATE, then a check of its migrations (a handle each)
      const methods = new Map<string, number>();
      await eachLimited(tenants, 6, async (id) => {
        const result = await provisionTenantPlane({ id, isolationLevel: "database" });
        methods.set(result.method, (methods.get(result.method) ?? 0) + 1);
      });
      timings.provision = performance.now() - t;
      expect(methods.get("template") ?? 0, JSON.stringify([...methods])).toBeGreaterThan(TENANTS / 2);
      const { rows } = await admin!.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_database WHERE datname = ANY($1)`,
        [names],
      );
      expect(rows[0].n).toBe(TENANTS);

      // ── in turn: each tenant writes a row in its own database and reads back exactly that row
      const scoped = await scopedTenantClient();
      t = performance.now();
      for (const [i, id] of tenants.entries()) {
        await runInTenantContext(contextOf(id), () =>
          tenantTransaction((db) => db.customer.create({ data: { name: `Budget customer ${i}` } })),
        );
        const seen = await runInTenantContext(contextOf(id), () => scoped.customer.findMany());
        expect(seen.map((c) => [c.tenantId, c.name])).toEqual([[id, `Budget customer ${i}`]]);
        await sampler.sampleNow();
      }
      timings.inTurn = performance.now() - t;
      const afterTurn = (await tenantPlaneGauges()).databases;
      expect(afterTurn.evictions).toBeGreaterThanOrEqual(TENANTS - BUDGET / POOL_MAX);

      // ── 8 workers at once: acquires wait for room instead of exceeding the budget
      t = performance.now();
      // Two statements at once per tenant, so its pool opens both of its connections.
      await eachLimited(tenants, 8, async (id, i) => {
        const [count, rows] = await runInTenantContext(contextOf(id), () =>
          Promise.all([scoped.customer.count({ where: { name: `Budget customer ${i}` } }), scoped.customer.findMany()]),
        );
        expect(count).toBe(1);
        expect(rows.map((c) => c.tenantId)).toEqual([id]);
        await sampler.sampleNow();
      });
      timings.concurrent = performance.now() - t;
    } finally {
      await sampler.stop();
    }
    const gauges = (await tenantPlaneGauges()).databases;
    console.log(
      `connection budget [postgres]: ${TENANTS} database tenants, budget ${BUDGET} (pools of ${POOL_MAX}); ` +
        `provisioned in ${(timings.provision / 1000).toFixed(1)} s, touched in turn in ${(timings.inTurn / 1000).toFixed(1)} s, ` +
        `by 8 workers in ${(timings.concurrent / 1000).toFixed(1)} s; ${sampler.samples} samples, ` +
        `max ${sampler.maxGauge} connections by the gauge, max ${sampler.maxServer} in pg_stat_activity; ` +
        `${gauges.opens} opens, ${gauges.evictions} evictions`,
    );
    expect(gauges.budget).toBe(BUDGET);
    expect(sampler.samples).toBeGreaterThan(2 * TENANTS);
    expect(sampler.maxGauge).toBeLessThanOrEqual(BUDGET);
    expect(sampler.maxServer).toBeLessThanOrEqual(BUDGET);
    // Not vacuous: the server did show connections to several tenant databases at once.
    expect(sampler.maxServer).toBeGreaterThan(POOL_MAX);
    expect(gauges.openHandles).toBeLessThanOrEqual(BUDGET / POOL_MAX);
    expect(gauges.evictions).toBeGreaterThanOrEqual(2 * TENANTS - BUDGET);
    expect(gauges.opens - gauges.evictions).toBe(gauges.openHandles);
  }, 240_000);
});
