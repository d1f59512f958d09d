import { afterEach, describe, expect, it } from "vitest";
import { TenantDirectory, type TenantDirectoryOptions } from "@/lib/tenancy/directory";
import {
  countingLoader,
  memorySharedCache,
  recordingLogger,
  sleep,
  tenantRecord,
  type CountingLoader,
} from "./fixtures";

const PREFIX = "test:tenant:v1:";
const directories: TenantDirectory[] = [];

function directory(loader: CountingLoader, options: Partial<TenantDirectoryOptions> = {}): TenantDirectory {
  const created = new TenantDirectory({ loader, keyPrefix: PREFIX, logger: recordingLogger(), ...options });
  directories.push(created);
  return created;
}

afterEach(async () => {
  for (const d of directories.splice(0)) await d.close();
});

describe("in-process cache", () => {
  it("a hit does not query the database", async () => {
    const acme = tenantRecord({ slug: "acme", domains: ["app.acme.com"] });
    const loader = countingLoader([acme]);
    const dir = directory(loader);
    for (let i = 0; i < 5; i++) {
      expect(await dir.bySlug("acme")).toMatchObject({ id: acme.id });
      expect(await dir.byDomain("app.acme.com")).toMatchObject({ id: acme.id });
      expect(await dir.byId(acme.id)).toMatchObject({ id: acme.id });
    }
    expect(loader.calls).toEqual({ bySlug: ["acme"], byDomain: ["app.acme.com"], byId: [acme.id] });
    expect(dir.stats()).toMatchObject({ loads: 3, localHits: 12 });
  });

  it("concurrent misses for one key share one database read", async () => {
    const loader = countingLoader([tenantRecord({ slug: "acme" })]);
    const dir = directory(loader);
    const results = await Promise.all(Array.from({ length: 50 }, () => dir.bySlug("acme")));
    expect(new Set(results.map((r) => r?.id)).size).toBe(1);
    expect(loader.calls.bySlug).toHaveLength(1);
  });

  it("caches unknown names too (negative caching)", async () => {
    const loader = countingLoader([]);
    const dir = directory(loader);
    for (let i = 0; i < 5; i++) {
      expect(await dir.byDomain("unknown.example")).toBeNull();
      expect(await dir.bySlug("nobody")).toBeNull();
    }
    expect(loader.total()).toBe(2);
    expect(dir.stats().localNegativeHits).toBe(8);
  });

  it("never queries for malformed ids, slugs or domains", async () => {
    const loader = countingLoader([]);
    const dir = directory(loader);
    expect(await dir.byId("not-a-uuid")).toBeNull();
    expect(await dir.bySlug("Not A Slug")).toBeNull();
    expect(await dir.byDomain("")).toBeNull();
    expect(await dir.byDomain("a".repeat(300))).toBeNull();
    expect(loader.total()).toBe(0);
  });

  it("entries expire after their TTL; unknown names after their shorter TTL", async () => {
    const acme = tenantRecord({ slug: "acme" });
    const loader = countingLoader([acme]);
    const dir = directory(loader, { localTtlMs: 200, localNegativeTtlMs: 40 });
    await dir.bySlug("acme");
    await dir.bySlug("nobody");
    await sleep(80);
    await dir.bySlug("acme"); // still cached
    await dir.bySlug("nobody"); // expired: read again
    expect(loader.calls.bySlug).toEqual(["acme", "nobody", "nobody"]);
    await sleep(200);
    await dir.bySlug("acme");
    expect(loader.calls.bySlug).toEqual(["acme", "nobody", "nobody", "acme"]);
  });

  it("a flood of unknown names cannot evict known tenants (separate bounded LRUs)", async () => {
    const acme = tenantRecord({ slug: "acme" });
    const loader = countingLoader([acme]);
    const dir = directory(loader, { localMaxEntries: 10, localNegativeMaxEntries: 10 });
    await dir.bySlug("acme");
    for (let i = 0; i < 100; i++) await dir.byDomain(`random-${i}.example`);
    await dir.bySlug("acme");
    expect(loader.calls.bySlug).toEqual(["acme"]);
  });

  it("hands out frozen records, so one request cannot change another's view", async () => {
    const loader = countingLoader([tenantRecord({ slug: "acme", ipAllowList: ["10.0.0.0/8"] })]);
    const dir = directory(loader);
    const record = await dir.bySlug("acme");
    expect(Object.isFrozen(record)).toBe(true);
    expect(() => (record!.ipAllowList as string[]).push("0.0.0.0/0")).toThrow();
  });
});

describe("invalidation", () => {
  it("removes the id, slug and every domain key, including names the tenant no longer has", async () => {
    const acme = tenantRecord({ slug: "acme", domains: ["app.acme.com", "books.acme.com"] });
    const loader = countingLoader([acme]);
    const dir = directory(loader);
    await dir.byId(acme.id);
    await dir.bySlug("acme");
    await dir.byDomain("app.acme.com");
    await dir.byDomain("books.acme.com");
    // Someone probed the new names before they existed: cached as unknown.
    expect(await dir.bySlug("acme-corp")).toBeNull();
    expect(await dir.byDomain("new.acme.com")).toBeNull();

    // The write: slug renamed, one domain replaced.
    const renamed = { ...acme, slug: "acme-corp", domains: ["books.acme.com", "new.acme.com"] };
    loader.set([renamed]);
    await dir.invalidateTenant(acme.id);
    const loadsBefore = loader.total();

    expect(await dir.bySlug("acme")).toBeNull();
    expect(await dir.bySlug("acme-corp")).toMatchObject({ id: acme.id });
    expect(await dir.byDomain("app.acme.com")).toBeNull();
    expect(await dir.byDomain("new.acme.com")).toMatchObject({ slug: "acme-corp" });
    expect(await dir.byDomain("books.acme.com")).toMatchObject({ slug: "acme-corp" });
    expect(await dir.byId(acme.id)).toMatchObject({ slug: "acme-corp" });
    // Every one of them went back to the database.
    expect(loader.total() - loadsBefore).toBe(6);
  });

  it("a status change is visible right after invalidation", async () => {
    const acme = tenantRecord({ slug: "acme" });
    const loader = countingLoader([acme]);
    const dir = directory(loader);
    expect(await dir.bySlug("acme")).toMatchObject({ status: "active" });
    loader.set([{ ...acme, status: "suspended" }]);
    expect(await dir.bySlug("acme")).toMatchObject({ status: "active" }); // still cached, as designed
    await dir.invalidateTenant({ id: acme.id, slug: "acme" });
    expect(await dir.bySlug("acme")).toMatchObject({ status: "suspended" });
  });

  it("does not cache a load that was in flight during the invalidation (it may hold pre-write data)", async () => {
    const acme = tenantRecord({ slug: "acme" });
    const loader = countingLoader([acme]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowLoader = {
      ...loader,
      async bySlug(slug: string) {
        const result = await loader.bySlug(slug); // reads the old row...
        await gate; // ...and is slow to come back
        return result;
      },
    };
    const dir = directory(slowLoader as CountingLoader);
    const stale = dir.bySlug("acme");
    await sleep(5);
    loader.set([{ ...acme, status: "suspended" }]);
    await dir.invalidateTenant(acme.id);
    release();
    expect(await stale).toMatchObject({ status: "active" }); // its own caller gets what it read
    expect(await dir.bySlug("acme")).toMatchObject({ status: "suspended" }); // but it was not cached
  });

  it("refuses something that is not a tenant id", async () => {
    const dir = directory(countingLoader([]));
    await expect(dir.invalidateTenant("acme")).rejects.toThrow(TypeError);
  });
});

describe("shared layer", () => {
  it("a second process finds the tenant in the shared layer without a database read", async () => {
    const acme = tenantRecord({ slug: "acme" });
    const shared = memorySharedCache();
    const loaderA = countingLoader([acme]);
    const loaderB = countingLoader([acme]);
    const a = directory(loaderA, { shared });
    const b = directory(loaderB, { shared });
    await a.bySlug("acme");
    await a.bySlug("nobody");
    await sleep(5); // the shared write is not awaited by the request
    expect([...shared.store.keys()].sort()).toEqual([`${PREFIX}slug:acme`, `${PREFIX}slug:nobody`]);
    expect(await b.bySlug("acme")).toMatchObject({ id: acme.id });
    expect(await b.bySlug("nobody")).toBeNull();
    expect(loaderB.total()).toBe(0);
    expect(b.stats().sharedHits).toBe(2);
  });

  it("stores unknown names with the shorter shared TTL", async () => {
    const shared = memorySharedCache();
    const dir = directory(countingLoader([tenantRecord({ slug: "acme" })]), {
      shared,
      sharedTtlMs: 60_000,
      sharedNegativeTtlMs: 1_000,
    });
    await dir.bySlug("acme");
    await dir.bySlug("nobody");
    await sleep(5);
    const ttl = (key: string) => shared.store.get(`${PREFIX}${key}`)!.expiresAt - Date.now();
    expect(ttl("slug:acme")).toBeGreaterThan(50_000);
    expect(ttl("slug:nobody")).toBeLessThanOrEqual(1_000);
  });

  it("invalidation deletes the tenant's shared keys, and again after the echo delay", async () => {
    const acme = tenantRecord({ slug: "acme", domains: ["app.acme.com"] });
    const shared = memorySharedCache();
    const loader = countingLoader([acme]);
    const a = directory(loader, { shared, invalidationEchoMs: 30 });
    await a.byId(acme.id);
    await a.bySlug("acme");
    await a.byDomain("app.acme.com");
    await a.bySlug("other");
    await sleep(5);
    expect(shared.store.size).toBe(4);
    await a.invalidateTenant(acme.id);
    expect([...shared.store.keys()]).toEqual([`${PREFIX}slug:other`]);

    // Another process that read the database before the write stores its stale copy now...
    shared.store.set(`${PREFIX}slug:acme`, { value: JSON.stringify({ t: acme }), expiresAt: Date.now() + 60_000 });
    await sleep(60);
    // ...and the echo delete removes it.
    expect([...shared.store.keys()]).toEqual([`${PREFIX}slug:other`]);
  });

  it("ignores shared values that are not its own format", async () => {
    const shared = memorySharedCache();
    const loader = countingLoader([tenantRecord({ slug: "acme" })]);
    const dir = directory(loader, { shared });
    shared.store.set(`${PREFIX}slug:acme`, { value: "{not json", expiresAt: Date.now() + 60_000 });
    expect(await dir.bySlug("acme")).toMatchObject({ slug: "acme" });
    expect(loader.total()).toBe(1);
  });

  it("a failing Redis falls back to the database, logs once, and is skipped for a while", async () => {
    const acme = tenantRecord({ slug: "acme" });
    const shared = memorySharedCache();
    shared.failWith = new Error("ECONNREFUSED");
    const logger = recordingLogger();
    const loader = countingLoader([acme]);
    const dir = directory(loader, { shared, logger, localTtlMs: 1, localNegativeTtlMs: 1, sharedRetryAfterMs: 60_000 });
    for (let i = 0; i < 5; i++) {
      expect(await dir.bySlug("acme")).toMatchObject({ id: acme.id });
      await sleep(3);
    }
    expect(loader.calls.bySlug).toHaveLength(5);
    expect(logger.messages).toHaveLength(1);
    expect(logger.messages[0]).toMatch(/shared cache \(memory\) unavailable.*ECONNREFUSED/);
    // Skipped while failing: one failed get, not one per request.
    expect(dir.stats().sharedErrors).toBe(1);
  });

  it("a Redis that hangs costs one timeout, then the database answers", async () => {
    const shared = memorySharedCache();
    shared.hang = true;
    const logger = recordingLogger();
    const loader = countingLoader([tenantRecord({ slug: "acme" })]);
    const dir = directory(loader, { shared, logger, sharedTimeoutMs: 20 });
    const started = Date.now();
    expect(await dir.bySlug("acme")).toMatchObject({ slug: "acme" });
    expect(Date.now() - started).toBeLessThan(500);
    expect(logger.messages[0]).toMatch(/no answer within 20 ms/);
  });

  it("logs again after Redis recovered and failed anew", async () => {
    const shared = memorySharedCache();
    const logger = recordingLogger();
    const dir = directory(countingLoader([]), { shared, logger, localNegativeTtlMs: 1, sharedRetryAfterMs: 1 });
    shared.failWith = new Error("down");
    await dir.bySlug("a");
    await sleep(5);
    shared.failWith = null;
    await dir.bySlug("b");
    await sleep(5);
    shared.failWith = new Error("down again");
    await dir.bySlug("c");
    expect(logger.messages).toHaveLength(2);
  });

  it("invalidation still clears this process when Redis is down", async () => {
    const acme = tenantRecord({ slug: "acme" });
    const shared = memorySharedCache();
    const loader = countingLoader([acme]);
    const dir = directory(loader, { shared });
    await dir.bySlug("acme");
    shared.failWith = new Error("down");
    loader.set([{ ...acme, status: "suspended" }]);
    await dir.invalidateTenant(acme.id);
    expect(await dir.bySlug("acme")).toMatchObject({ status: "suspended" });
  });
});
