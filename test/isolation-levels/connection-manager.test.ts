import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import {
  ConnectionBudgetExceededError,
  ConnectionManager,
  HandleEvictedError,
  type ConnectionManagerOptions,
} from "@/lib/tenancy/isolation/connection-manager";
import { createPostgresDatabase, dropPostgresDatabase } from "@/test/support/databases";

interface FakeHandle {
  key: string;
  id: number;
  closed: boolean;
}

/** open/close that count live connections and remember the peak. */
function fakeBackend(
  options: { connections?: (key: string) => number; openDelayMs?: number; closeDelayMs?: number } = {},
) {
  const state = {
    live: 0,
    peak: 0,
    opens: 0,
    closes: 0,
    closedKeys: [] as string[],
    openedKeys: [] as string[],
  };
  let ids = 0;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const open = async (key: string) => {
    const connections = options.connections?.(key) ?? 1;
    state.opens += 1;
    state.openedKeys.push(key);
    // Connections exist from the moment open starts (a pool dialling out).
    state.live += connections;
    state.peak = Math.max(state.peak, state.live);
    if (options.openDelayMs) await sleep(options.openDelayMs);
    return {
      handle: { key, id: ++ids, closed: false, connections } as FakeHandle & { connections: number },
      connections,
    };
  };
  const close = async (handle: FakeHandle & { connections?: number }) => {
    if (options.closeDelayMs) await sleep(options.closeDelayMs);
    handle.closed = true;
    state.closes += 1;
    state.closedKeys.push(handle.key);
    state.live -= handle.connections ?? 1;
  };
  return { state, open, close };
}

const managers: Array<ConnectionManager<unknown>> = [];
function manager<H>(options: ConnectionManagerOptions<H>): ConnectionManager<H> {
  const m = new ConnectionManager<H>({ sweepIntervalMs: false, ...options });
  managers.push(m as ConnectionManager<unknown>);
  return m;
}

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.shutdown()));
});

describe("ConnectionManager", () => {
  it("never exceeds the budget while 300 keys are touched in turn, and reuses handles", async () => {
    const backend = fakeBackend({ connections: (key) => (Number(key.slice(2)) % 3) + 1, closeDelayMs: 1 });
    const m = manager<FakeHandle>({
      budget: 10,
      maxHandles: 6,
      reserve: (key) => (Number(key.slice(2)) % 3) + 1,
      open: backend.open,
      close: backend.close,
    });
    for (let i = 0; i < 300; i++) {
      const key = `t_${i}`;
      const handle = await m.acquire(key);
      expect(handle.key).toBe(key);
      expect(handle.closed).toBe(false);
      expect(backend.state.live).toBeLessThanOrEqual(10);
      expect(m.gauges().connections).toBeLessThanOrEqual(10);
      expect(m.gauges().openHandles).toBeLessThanOrEqual(6);
      // A second use of a hot key reuses the handle: no open.
      const opens = backend.state.opens;
      const again = await m.acquire(key);
      expect(again).toBe(handle);
      expect(backend.state.opens).toBe(opens);
      m.release(key);
      m.release(key);
    }
    expect(backend.state.peak).toBeLessThanOrEqual(10);
    expect(backend.state.opens).toBe(300);
    const gauges = m.gauges();
    expect(gauges.opens).toBe(300);
    expect(gauges.evictions).toBeGreaterThanOrEqual(300 - 6);
    expect(gauges.budget).toBe(10);
  });

  it("keeps the budget with many concurrent requests over a few hot keys", async () => {
    const backend = fakeBackend({ openDelayMs: 2, closeDelayMs: 2 });
    const m = manager<FakeHandle>({ budget: 4, acquireTimeoutMs: 10_000, open: backend.open, close: backend.close });
    const keys = ["a", "b", "c", "d", "e", "f"];
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        m.use(keys[i % keys.length], async (handle) => {
          expect(handle.closed).toBe(false);
          expect(backend.state.live).toBeLessThanOrEqual(4);
          await new Promise((resolve) => setTimeout(resolve, 1));
        }),
      ),
    );
    expect(backend.state.peak).toBeLessThanOrEqual(4);
    // Far fewer opens than requests: handles are shared, not opened per request.
    expect(backend.state.opens).toBeLessThan(200);
  });

  it("evicts the least recently used idle handle first", async () => {
    const backend = fakeBackend();
    const m = manager<FakeHandle>({ budget: 3, open: backend.open, close: backend.close });
    for (const key of ["a", "b", "c"]) {
      await m.acquire(key);
      m.release(key);
    }
    // Touch a: b is now the least recently used.
    await m.acquire("a");
    m.release("a");
    expect(m.keys()).toEqual(["b", "c", "a"]);
    await m.acquire("d");
    m.release("d");
    expect(backend.state.closedKeys).toEqual(["b"]);
    await m.acquire("e");
    m.release("e");
    expect(backend.state.closedKeys).toEqual(["b", "c"]);
    expect(m.keys()).toEqual(["a", "d", "e"]);
  });

  it("skips handles in use when evicting", async () => {
    const backend = fakeBackend();
    const m = manager<FakeHandle>({ budget: 2, open: backend.open, close: backend.close });
    await m.acquire("a"); // held
    await m.acquire("b");
    m.release("b");
    await m.acquire("c");
    expect(backend.state.closedKeys).toEqual(["b"]);
    expect(m.keys().sort()).toEqual(["a", "c"]);
  });

  it("closes handles idle for idleMs, by closeIdle and by the unref'd sweep", async () => {
    let clock = 1_000;
    const backend = fakeBackend();
    const m = manager<FakeHandle>({
      budget: 5,
      idleMs: 100,
      now: () => clock,
      open: backend.open,
      close: backend.close,
    });
    await m.acquire("old");
    m.release("old");
    clock += 60;
    await m.acquire("fresh");
    m.release("fresh");
    await m.acquire("busy"); // in use: never idle-closed
    clock += 50; // old idle 110 ms, fresh 50 ms, busy in use
    expect(await m.closeIdle()).toBe(1);
    expect(backend.state.closedKeys).toEqual(["old"]);
    clock += 100;
    expect(await m.closeIdle()).toBe(1);
    expect(backend.state.closedKeys).toEqual(["old", "fresh"]);
    expect(m.keys()).toEqual(["busy"]);

    // The sweep timer closes idle handles on its own and does not hold the process open.
    const swept = fakeBackend();
    const timed = new ConnectionManager<FakeHandle>({
      budget: 2,
      idleMs: 10,
      sweepIntervalMs: 5,
      open: swept.open,
      close: swept.close,
    });
    managers.push(timed as ConnectionManager<unknown>);
    await timed.acquire("x");
    timed.release("x");
    const timer = (timed as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    await expect.poll(() => swept.state.closes, { timeout: 2_000 }).toBe(1);
    expect(timed.has("x")).toBe(false);
  });

  it("evict closes a handle at once, even in use, and the next acquire reopens it", async () => {
    const backend = fakeBackend();
    const m = manager<FakeHandle>({ budget: 3, open: backend.open, close: backend.close });
    const first = await m.acquire("gone");
    expect(await m.evict("gone")).toBe(true);
    expect(first.closed).toBe(true);
    expect(m.gauges()).toMatchObject({ openHandles: 0, connections: 0, evictions: 1 });
    // A stale release of the old handle does not touch a new one.
    const second = await m.acquire("gone");
    expect(second).not.toBe(first);
    m.release("gone", first);
    expect(m.gauges().inUse).toBe(1);
    m.release("gone", second);
    expect(m.gauges().inUse).toBe(0);
    expect(await m.evict("never-opened")).toBe(false);
  });

  it("evict during an open closes the handle when it arrives and rejects the waiters", async () => {
    const backend = fakeBackend({ openDelayMs: 20 });
    const m = manager<FakeHandle>({ budget: 2, open: backend.open, close: backend.close });
    const pending = m.acquire("slow");
    const evicted = m.evict("slow");
    await expect(pending).rejects.toBeInstanceOf(HandleEvictedError);
    await evicted;
    expect(backend.state.closes).toBe(1);
    expect(backend.state.live).toBe(0);
    expect(m.gauges().connections).toBe(0);
  });

  it("concurrent acquires of one key share one open", async () => {
    const backend = fakeBackend({ openDelayMs: 10 });
    const m = manager<FakeHandle>({ budget: 3, open: backend.open, close: backend.close });
    const handles = await Promise.all(Array.from({ length: 25 }, () => m.acquire("k")));
    expect(backend.state.opens).toBe(1);
    expect(new Set(handles).size).toBe(1);
    expect(m.gauges().inUse).toBe(1);
    for (let i = 0; i < 25; i++) m.release("k");
    expect(m.gauges().inUse).toBe(0);
  });

  it("a failed open rejects every waiter and frees its reservation", async () => {
    let fail = true;
    const m = manager<string>({
      budget: 1,
      open: async (key) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (fail) throw new Error("cannot connect");
        return { handle: key, connections: 1 };
      },
      close: async () => undefined,
    });
    const results = await Promise.allSettled([m.acquire("x"), m.acquire("x")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(m.gauges()).toMatchObject({ openHandles: 0, connections: 0 });
    fail = false;
    await expect(m.acquire("x")).resolves.toBe("x");
  });

  it("throws ConnectionBudgetExceededError when every handle is in use, after a bounded wait", async () => {
    const backend = fakeBackend({ connections: () => 2 });
    const m = manager<FakeHandle>({
      budget: 4,
      reserve: () => 2,
      acquireTimeoutMs: 50,
      open: backend.open,
      close: backend.close,
    });
    await m.acquire("a");
    await m.acquire("b");
    const started = Date.now();
    const error = await m.acquire("c").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionBudgetExceededError);
    expect(error).toMatchObject({ key: "c", budget: 4, requested: 2, inUse: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect(backend.state.live).toBe(4);

    // A request larger than the whole budget fails at once.
    const huge = manager<FakeHandle>({ budget: 2, reserve: () => 3, open: backend.open, close: backend.close });
    await expect(huge.acquire("z")).rejects.toBeInstanceOf(ConnectionBudgetExceededError);
  });

  it("a waiting acquire proceeds as soon as a handle is released", async () => {
    const backend = fakeBackend();
    const m = manager<FakeHandle>({ budget: 1, acquireTimeoutMs: 5_000, open: backend.open, close: backend.close });
    await m.acquire("a");
    const waiting = m.acquire("b");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(m.gauges().waiting).toBe(1);
    m.release("a");
    const b = await waiting;
    expect(b.key).toBe("b");
    expect(backend.state.closedKeys).toEqual(["a"]);
    expect(backend.state.peak).toBe(1);
  });

  it("a failing close is reported and still frees its connections; shutdown closes all", async () => {
    const errors: string[] = [];
    const m = manager<string>({
      budget: 1,
      open: async (key) => ({ handle: key, connections: 1 }),
      close: (key) => (key === "bad" ? Promise.reject(new Error("close failed")) : Promise.resolve()),
      onCloseError: (error, key) => errors.push(`${key}:${(error as Error).message}`),
    });
    await m.acquire("bad");
    m.release("bad");
    await m.acquire("good");
    expect(errors).toEqual(["bad:close failed"]);
    expect(m.gauges()).toMatchObject({ openHandles: 1, connections: 1 });
    await m.shutdown();
    expect(m.gauges()).toMatchObject({ openHandles: 0, connections: 0 });
    await expect(m.acquire("good")).rejects.toThrow(/shut down/);
  });

  it("respects maxHandles independently of the connection budget", async () => {
    const backend = fakeBackend();
    const m = manager<FakeHandle>({ budget: 100, maxHandles: 2, open: backend.open, close: backend.close });
    for (const key of ["a", "b", "c", "d"]) {
      await m.acquire(key);
      m.release(key);
      expect(m.gauges().openHandles).toBeLessThanOrEqual(2);
    }
    expect(backend.state.closedKeys).toEqual(["a", "b"]);
  });
});

describe("ConnectionManager with real pg Pools [postgres]", () => {
  it("keeps the real connections of per-tenant pools within the budget and reuses them", async () => {
    const { name, url } = await createPostgresDatabase();
    const pools = new Set<pg.Pool>();
    const liveConnections = () => [...pools].reduce((sum, pool) => sum + pool.totalCount, 0);
    let peak = 0;
    const m = new ConnectionManager<pg.Pool>({
      budget: 4,
      reserve: () => 2,
      sweepIntervalMs: false,
      acquireTimeoutMs: 10_000,
      open: async (key) => {
        const pool = new pg.Pool({ connectionString: url, max: 2, application_name: `cm_${key}` });
        pool.on("error", () => undefined);
        pools.add(pool);
        return { handle: pool, connections: 2 };
      },
      close: async (pool) => {
        await pool.end();
        pools.delete(pool);
      },
    });
    try {
      const backendPid = async (key: string) =>
        m.use(key, async (pool) => {
          const result = await Promise.all(
            [0, 1, 2].map(() =>
              pool.query<{ pid: number; app: string }>(
                "SELECT pg_backend_pid() AS pid, current_setting('application_name') AS app",
              ),
            ),
          );
          peak = Math.max(peak, liveConnections());
          expect(result[0].rows[0].app).toBe(`cm_${key}`);
          return result.map((r) => r.rows[0].pid);
        });

      const firstA = await backendPid("a");
      const againA = await backendPid("a");
      // The same pool (same backends) serves the tenant again: no new pool per request.
      expect(new Set(againA).size).toBeLessThanOrEqual(2);
      expect(againA.every((pid) => firstA.includes(pid))).toBe(true);

      for (const key of ["b", "c", "d", "e", "a", "b"]) {
        await backendPid(key);
        expect(liveConnections()).toBeLessThanOrEqual(4);
      }
      await Promise.all(["f", "g", "h", "f", "g"].map((key) => backendPid(key)));
      expect(peak).toBeLessThanOrEqual(4);
      expect(m.gauges().openHandles).toBeLessThanOrEqual(2);

      // The server agrees: at most `budget` connections of ours to the database.
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'cm\\_%'",
          [name],
        );
        expect(rows[0].n).toBeLessThanOrEqual(4);
      } finally {
        await admin.end();
      }
    } finally {
      await m.shutdown();
      await Promise.allSettled([...pools].map((pool) => pool.end()));
      await dropPostgresDatabase(name);
    }
  });
});
