import type { SharedCache } from "@/lib/tenancy/cache";
import type { TenantLoader, TenantRecord } from "@/lib/tenancy/directory";

/** Test doubles for the tenant directory: records, a counting in-memory loader, an in-memory shared cache. */

let sequence = 0;

/** A deterministic v4-shaped uuid per call, so tests can tell tenants apart. */
export function nextTenantId(): string {
  sequence++;
  return `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, "0")}`;
}

export function tenantRecord(overrides: Partial<TenantRecord> = {}): TenantRecord {
  const id = overrides.id ?? nextTenantId();
  return {
    id,
    slug: overrides.slug ?? `t${id.slice(-6)}`,
    name: "Tenant",
    status: "active",
    deletedAt: null,
    tier: "standard",
    isolationLevel: "shared_database",
    schemaName: null,
    databaseName: null,
    features: { basic_invoicing: true },
    ipAllowList: [],
    sessionTimeoutMinutes: 60,
    passwordPolicy: {},
    branding: { primaryColor: "#2563eb", secondaryColor: "#1e40af" },
    domains: [],
    ...overrides,
  };
}

export interface CountingLoader extends TenantLoader {
  calls: { byId: string[]; bySlug: string[]; byDomain: string[] };
  /** Replaces the stored tenants (simulates a committed write). */
  set(records: TenantRecord[]): void;
  total(): number;
}

/** A loader over an in-memory table that records every call, like a database would see them. */
export function countingLoader(records: TenantRecord[] = []): CountingLoader {
  let table = [...records];
  const calls = { byId: [] as string[], bySlug: [] as string[], byDomain: [] as string[] };
  // structuredClone: like a database, every load returns a new object.
  const copy = (record: TenantRecord | undefined) => (record ? structuredClone(record) : null);
  return {
    calls,
    set(next) {
      table = [...next];
    },
    total: () => calls.byId.length + calls.bySlug.length + calls.byDomain.length,
    async byId(id) {
      calls.byId.push(id);
      return copy(table.find((t) => t.id === id));
    },
    async bySlug(slug) {
      calls.bySlug.push(slug);
      return copy(table.find((t) => t.slug === slug));
    },
    async byDomain(domain) {
      calls.byDomain.push(domain);
      return copy(table.find((t) => t.domains.includes(domain)));
    },
  };
}

export interface MemorySharedCache extends SharedCache {
  store: Map<string, { value: string; expiresAt: number }>;
  gets: number;
  /** When set, every command fails with this error. */
  failWith: Error | null;
  /** When true, every command hangs forever (a Redis that stopped answering). */
  hang: boolean;
}

/** A SharedCache in a Map, with switches to make it fail or hang. */
export function memorySharedCache(): MemorySharedCache {
  const cache: MemorySharedCache = {
    name: "memory",
    store: new Map(),
    gets: 0,
    failWith: null,
    hang: false,
    async get(key) {
      await gate();
      cache.gets++;
      const entry = cache.store.get(key);
      if (!entry || entry.expiresAt <= Date.now()) return null;
      return entry.value;
    },
    async set(key, value, ttlMs) {
      await gate();
      cache.store.set(key, { value, expiresAt: Date.now() + ttlMs });
    },
    async del(keys) {
      await gate();
      for (const key of keys) cache.store.delete(key);
    },
    async close() {},
  };
  async function gate(): Promise<void> {
    if (cache.hang) await new Promise(() => undefined);
    if (cache.failWith) throw cache.failWith;
  }
  return cache;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Collects logger output so tests can assert "logged once". */
export function recordingLogger(): { warn(message: string): void; messages: string[] } {
  const messages: string[] = [];
  return { messages, warn: (message) => void messages.push(message) };
}
