import { LRUCache } from "lru-cache";
import { withDeadline } from "@/lib/redis/deadline";
import type { SharedCache } from "./cache";

/**
 * The tenant directory: finds a tenant by custom domain, slug or id, through three layers —
 * an in-process LRU with a short TTL, an optional shared Redis layer, and the database (an
 * injected loader). Resolution runs on every request, so the common case is one Map-like
 * lookup in process memory.
 *
 * Freshness bound (docs/resolution.md): writers call `invalidateTenant` after their commit.
 * This process then sees the change at once; other processes within echo delay + local TTL
 * (2 s + 5 s by default), because the shared entries are deleted (twice) and their own local
 * entries expire. A write made without `invalidateTenant` (a hand-run SQL update) shows
 * everywhere within shared TTL + local TTL (60 s + 5 s; 15 s + 2 s for "unknown" answers).
 */

export type TenantStatus = "pending" | "active" | "suspended" | "cancelled" | "deleted";
export type IsolationLevel = "shared_database" | "schema" | "database";
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What routing, the tenant context and the proxy's checks need; small and JSON-serialisable. */
export interface TenantRecord {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly status: TenantStatus;
  /** ISO timestamp; a tenant with deletedAt set is gone whatever its status says. */
  readonly deletedAt: string | null;
  readonly tier: string;
  readonly isolationLevel: IsolationLevel;
  readonly schemaName: string | null;
  readonly databaseName: string | null;
  /** subscription_plans.features of the tenant's tier. */
  readonly features: Readonly<Record<string, boolean>>;
  /** tenant_settings.ip_whitelist: addresses and CIDR ranges; empty means no restriction. */
  readonly ipAllowList: readonly string[];
  readonly sessionTimeoutMinutes: number;
  readonly passwordPolicy: Readonly<Record<string, JsonValue>>;
  readonly branding: { readonly primaryColor: string; readonly secondaryColor: string };
  /** Verified, active custom domains (lower-case ASCII), so invalidation can find their keys. */
  readonly domains: readonly string[];
}

/** Database access of the directory; injectable so tests and benches can count or fake it. */
export interface TenantLoader {
  byId(id: string): Promise<TenantRecord | null>;
  bySlug(slug: string): Promise<TenantRecord | null>;
  /** Only verified AND active custom domains; `domain` is already lower-case ASCII. */
  byDomain(domain: string): Promise<TenantRecord | null>;
}

/** The read side the resolver needs (the directory, or a fake in tests). */
export interface TenantLookup extends TenantLoader {
  /**
   * Optional synchronous cache read: the answer when it is known without waiting, undefined
   * otherwise. The resolver uses it to finish warm requests without promises.
   */
  peek?(kind: LookupKind, value: string): TenantRecord | null | undefined;
}

/** Enough to name every cache key of a tenant; a full TenantRecord also qualifies. */
export interface TenantIdentity {
  readonly id: string;
  readonly slug?: string;
  readonly domains?: readonly string[];
}

export interface DirectoryLogger {
  warn(message: string): void;
}

export interface TenantDirectoryOptions {
  loader: TenantLoader;
  /** The shared layer, or null/undefined for in-process caching only. */
  shared?: SharedCache | null;
  /** Found tenants, per process. Sizes count per lookup kind (id, slug, domain). */
  localTtlMs?: number;
  localMaxEntries?: number;
  /** "No such tenant" answers get their own LRU and a shorter TTL: a flood of random hosts must not evict real tenants. */
  localNegativeTtlMs?: number;
  localNegativeMaxEntries?: number;
  sharedTtlMs?: number;
  sharedNegativeTtlMs?: number;
  /** Longest wait for one shared-cache command before going to the database. */
  sharedTimeoutMs?: number;
  /** After a shared-cache failure, skip it for this long instead of paying the timeout per request. */
  sharedRetryAfterMs?: number;
  /**
   * Invalidation deletes the shared keys twice: now, and again after this delay, to remove a
   * stale value another process read from the database just before the write and stored
   * just after the first delete. 0 disables the second delete.
   */
  invalidationEchoMs?: number;
  /** Prefix of every key; carries the record-format version so a format change never reads old entries. */
  keyPrefix?: string;
  logger?: DirectoryLogger;
}

export const DIRECTORY_DEFAULTS = {
  localTtlMs: 5_000,
  localMaxEntries: 10_000,
  localNegativeTtlMs: 2_000,
  localNegativeMaxEntries: 10_000,
  sharedTtlMs: 60_000,
  sharedNegativeTtlMs: 15_000,
  sharedTimeoutMs: 250,
  sharedRetryAfterMs: 5_000,
  invalidationEchoMs: 2_000,
  keyPrefix: "logiaccounting:tenant:v1:",
} as const;

export interface DirectoryStats {
  localHits: number;
  localNegativeHits: number;
  sharedHits: number;
  loads: number;
  sharedErrors: number;
}

/** The three names a tenant is looked up by. */
export type LookupKind = "id" | "slug" | "domain";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SLUG = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_DOMAIN_LENGTH = 253;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * The lookup value as it is stored, or null when it cannot name a tenant at all (the
 * database is then not asked: Postgres would even reject a malformed uuid with an error).
 */
function canonicalValue(kind: LookupKind, value: string): string | null {
  switch (kind) {
    case "id":
      return isUuid(value) ? value.toLowerCase() : null;
    case "slug":
      return SLUG.test(value) ? value : null;
    case "domain":
      return value && value.length <= MAX_DOMAIN_LENGTH ? value : null;
  }
}

/**
 * One kind's in-process entries. Kinds are kept apart so a lookup needs no composed key
 * (no string building on the hot path), and found/unknown apart so a flood of unknown
 * names can only evict other unknown names, never real tenants.
 */
class LocalTier {
  readonly found: LRUCache<string, TenantRecord>;
  readonly unknown: LRUCache<string, true>;
  constructor(settings: Required<Omit<TenantDirectoryOptions, "loader" | "shared" | "logger">>) {
    this.found = new LRUCache({ max: settings.localMaxEntries, ttl: settings.localTtlMs });
    this.unknown = new LRUCache({ max: settings.localNegativeMaxEntries, ttl: settings.localNegativeTtlMs });
  }
  delete(value: string): void {
    this.found.delete(value);
    this.unknown.delete(value);
  }
  clear(): void {
    this.found.clear();
    this.unknown.clear();
  }
}

/** A (kind, value) pair, the unit of caching and invalidation. */
interface CacheKey {
  kind: LookupKind;
  value: string;
}

export class TenantDirectory implements TenantLookup {
  private readonly loader: TenantLoader;
  private readonly shared: SharedCache | null;
  private readonly settings: Required<Omit<TenantDirectoryOptions, "loader" | "shared" | "logger">>;
  private readonly logger: DirectoryLogger;
  private readonly local: Record<LookupKind, LocalTier>;
  /** One database/shared read per key at a time: a burst of requests for a cold key shares it. */
  private readonly inflight = new Map<string, Promise<TenantRecord | null>>();
  /**
   * Bumped by every invalidation. A load that started before the bump may carry pre-write
   * data, so it answers its own callers but is not stored in any cache.
   */
  private epoch = 0;
  private sharedFailing = false;
  private sharedSkipUntil = 0;
  private readonly echoTimers = new Set<ReturnType<typeof setTimeout>>();
  private readonly counters: DirectoryStats = {
    localHits: 0,
    localNegativeHits: 0,
    sharedHits: 0,
    loads: 0,
    sharedErrors: 0,
  };

  constructor(options: TenantDirectoryOptions) {
    this.loader = options.loader;
    this.shared = options.shared ?? null;
    this.logger = options.logger ?? { warn: (message) => console.warn(message) };
    this.settings = {
      localTtlMs: options.localTtlMs ?? DIRECTORY_DEFAULTS.localTtlMs,
      localMaxEntries: options.localMaxEntries ?? DIRECTORY_DEFAULTS.localMaxEntries,
      localNegativeTtlMs: options.localNegativeTtlMs ?? DIRECTORY_DEFAULTS.localNegativeTtlMs,
      localNegativeMaxEntries: options.localNegativeMaxEntries ?? DIRECTORY_DEFAULTS.localNegativeMaxEntries,
      sharedTtlMs: options.sharedTtlMs ?? DIRECTORY_DEFAULTS.sharedTtlMs,
      sharedNegativeTtlMs: options.sharedNegativeTtlMs ?? DIRECTORY_DEFAULTS.sharedNegativeTtlMs,
      sharedTimeoutMs: options.sharedTimeoutMs ?? DIRECTORY_DEFAULTS.sharedTimeoutMs,
      sharedRetryAfterMs: options.sharedRetryAfterMs ?? DIRECTORY_DEFAULTS.sharedRetryAfterMs,
      invalidationEchoMs: options.invalidationEchoMs ?? DIRECTORY_DEFAULTS.invalidationEchoMs,
      keyPrefix: options.keyPrefix ?? DIRECTORY_DEFAULTS.keyPrefix,
    };
    this.local = {
      id: new LocalTier(this.settings),
      slug: new LocalTier(this.settings),
      domain: new LocalTier(this.settings),
    };
  }

  byId(id: string): Promise<TenantRecord | null> {
    return this.lookup("id", id);
  }

  bySlug(slug: string): Promise<TenantRecord | null> {
    return this.lookup("slug", slug);
  }

  /** `domain` must be normalised already (hosts.ts `normalizeHost`): lower-case ASCII, no port. */
  byDomain(domain: string): Promise<TenantRecord | null> {
    return this.lookup("domain", domain);
  }

  /**
   * The in-process answer without waiting: the record, null for a cached (or impossible)
   * "no such tenant", undefined when only the shared layer or the database can tell. Lets
   * the resolver finish a warm request without a single promise.
   */
  peek(kind: LookupKind, value: string): TenantRecord | null | undefined {
    const canonical = canonicalValue(kind, value);
    if (canonical === null) return null;
    const tier = this.local[kind];
    const hit = tier.found.get(canonical);
    if (hit) {
      this.counters.localHits++;
      return hit;
    }
    if (tier.unknown.has(canonical)) {
      this.counters.localNegativeHits++;
      return null;
    }
    return undefined;
  }

  lookup(kind: LookupKind, value: string): Promise<TenantRecord | null> {
    const cached = this.peek(kind, value);
    if (cached !== undefined) return Promise.resolve(cached);
    const canonical = canonicalValue(kind, value) as string;
    const flightKey = `${kind}:${canonical}`;
    const running = this.inflight.get(flightKey);
    if (running) return running;
    const pending = this.fill({ kind, value: canonical }).finally(() => {
      if (this.inflight.get(flightKey) === pending) this.inflight.delete(flightKey);
    });
    this.inflight.set(flightKey, pending);
    return pending;
  }

  /**
   * Forgets every cache entry of a tenant — by id, slug and each domain, old and new — here
   * and in the shared layer. Call it after the write that changed the tenant has committed.
   * Keys are gathered from the identity given, this process's cached copies, the shared
   * cached copy and a fresh database read (so a newly added domain or slug loses its cached
   * "unknown" answer too).
   */
  async invalidateTenant(tenant: string | TenantIdentity): Promise<void> {
    const identity: TenantIdentity = typeof tenant === "string" ? { id: tenant } : tenant;
    if (!isUuid(identity.id))
      throw new TypeError(`invalidateTenant needs a tenant id, got ${JSON.stringify(identity.id)}`);
    const id = identity.id.toLowerCase();
    this.epoch++;

    const keys = new Map<string, CacheKey>();
    const add = (kind: LookupKind, value: string) => keys.set(`${kind}:${value}`, { kind, value });
    const addKeysOf = (record: TenantIdentity | null | undefined) => {
      if (!record) return;
      add("id", record.id.toLowerCase());
      if (record.slug) add("slug", record.slug);
      for (const domain of record.domains ?? []) add("domain", domain);
    };
    addKeysOf(identity);
    addKeysOf({ id });
    // Local copies may be stored under names the tenant no longer has; scanning is cheap
    // next to how rarely tenants change.
    for (const kind of ["id", "slug", "domain"] as const) {
      for (const [value, record] of this.local[kind].found.entries()) {
        if (record.id !== id) continue;
        add(kind, value);
        addKeysOf(record);
      }
    }
    addKeysOf(await this.sharedGet({ kind: "id", value: id }));
    try {
      addKeysOf(await this.loader.byId(id));
    } catch (error) {
      this.logger.warn(`Tenant directory: could not re-read tenant ${id} while invalidating (${describe(error)})`);
    }

    const list = [...keys.values()];
    this.deleteLocal(list);
    await this.sharedDel(list);
    this.scheduleEcho(list);
  }

  /** Drops every in-process entry (tests, or an operator's "flush"); the shared layer is untouched. */
  clearLocal(): void {
    this.epoch++;
    for (const tier of Object.values(this.local)) tier.clear();
    this.inflight.clear();
  }

  stats(): DirectoryStats {
    return { ...this.counters };
  }

  /**
   * Changes with every invalidation in this process (any tenant) and every clearLocal: caches
   * kept beside the directory (lib/tenancy/tenants.ts) drop what they loaded before it changed.
   */
  get generation(): number {
    return this.epoch;
  }

  /** Cancels pending echo deletes and closes the shared connection. */
  async close(): Promise<void> {
    for (const timer of this.echoTimers) clearTimeout(timer);
    this.echoTimers.clear();
    await this.shared?.close();
  }

  /** The shared layer's key: prefix (with the format version) + kind + value. */
  private sharedKey(key: CacheKey): string {
    return `${this.settings.keyPrefix}${key.kind}:${key.value}`;
  }

  private async fill(key: CacheKey): Promise<TenantRecord | null> {
    const epoch = this.epoch;
    const cached = await this.sharedGet(key);
    if (cached !== undefined) {
      this.counters.sharedHits++;
      if (epoch === this.epoch) this.storeLocal(key, cached);
      return cached;
    }
    this.counters.loads++;
    const loaded = await this.load(key);
    const record = loaded ? freezeRecord(loaded) : null;
    if (epoch === this.epoch) {
      this.storeLocal(key, record);
      // Not awaited: the request has its answer; sharedCall never rejects.
      void this.sharedSet(key, record);
    }
    return record;
  }

  private load({ kind, value }: CacheKey): Promise<TenantRecord | null> {
    switch (kind) {
      case "id":
        return this.loader.byId(value);
      case "slug":
        return this.loader.bySlug(value);
      case "domain":
        return this.loader.byDomain(value);
    }
  }

  private storeLocal({ kind, value }: CacheKey, record: TenantRecord | null): void {
    const tier = this.local[kind];
    if (record) {
      tier.unknown.delete(value);
      tier.found.set(value, record);
    } else {
      tier.found.delete(value);
      tier.unknown.set(value, true);
    }
  }

  private deleteLocal(keys: readonly CacheKey[]): void {
    for (const key of keys) {
      this.local[key.kind].delete(key.value);
      this.inflight.delete(`${key.kind}:${key.value}`);
    }
  }

  private scheduleEcho(keys: readonly CacheKey[]): void {
    if (!this.shared || this.settings.invalidationEchoMs <= 0) return;
    const timer = setTimeout(() => {
      this.echoTimers.delete(timer);
      this.epoch++;
      this.deleteLocal(keys);
      void this.sharedDel(keys);
    }, this.settings.invalidationEchoMs);
    // An echo delete must never keep a process (or a test run) alive.
    timer.unref?.();
    this.echoTimers.add(timer);
  }

  /** undefined: not in the shared layer (or the layer is unavailable); null: cached "no such tenant". */
  private async sharedGet(key: CacheKey): Promise<TenantRecord | null | undefined> {
    const raw = await this.sharedCall((shared) => shared.get(this.sharedKey(key)));
    if (raw === undefined || raw === null) return undefined;
    return decodeEntry(raw);
  }

  private async sharedSet(key: CacheKey, record: TenantRecord | null): Promise<void> {
    const ttl = record ? this.settings.sharedTtlMs : this.settings.sharedNegativeTtlMs;
    await this.sharedCall((shared) => shared.set(this.sharedKey(key), encodeEntry(record), ttl));
  }

  private async sharedDel(keys: readonly CacheKey[]): Promise<void> {
    await this.sharedCall((shared) => shared.del(keys.map((key) => this.sharedKey(key))));
  }

  /**
   * Runs one shared-cache command with a deadline (lib/redis/deadline.ts). Any failure reads as "not cached": the
   * caller goes to the database, the failure is logged once per outage, and the layer is
   * skipped for sharedRetryAfterMs so a dead Redis costs one timeout, not one per request.
   */
  private async sharedCall<T>(command: (shared: SharedCache) => Promise<T>): Promise<T | undefined> {
    const shared = this.shared;
    if (!shared || Date.now() < this.sharedSkipUntil) return undefined;
    try {
      const result = await withDeadline(command(shared), this.settings.sharedTimeoutMs);
      this.sharedFailing = false;
      return result;
    } catch (error) {
      this.counters.sharedErrors++;
      this.sharedSkipUntil = Date.now() + this.settings.sharedRetryAfterMs;
      if (!this.sharedFailing) {
        this.sharedFailing = true;
        this.logger.warn(
          `Tenant directory: shared cache (${shared.name}) unavailable, using the database (${describe(error)}); ` +
            `retrying every ${this.settings.sharedRetryAfterMs} ms`,
        );
      }
      return undefined;
    }
  }
}

interface SharedEntry {
  t: TenantRecord | null;
}

function encodeEntry(record: TenantRecord | null): string {
  return JSON.stringify({ t: record } satisfies SharedEntry);
}

/** A value that is not one of ours (corrupt, or written by other code) reads as a miss. */
function decodeEntry(raw: string): TenantRecord | null | undefined {
  try {
    const entry = JSON.parse(raw) as Partial<SharedEntry> | null;
    if (!entry || typeof entry !== "object" || !("t" in entry)) return undefined;
    if (entry.t === null) return null;
    const record = entry.t;
    if (!record || typeof record.id !== "string" || typeof record.slug !== "string") return undefined;
    return freezeRecord(record);
  } catch {
    return undefined;
  }
}

/** Cached records are shared by every request of the process: nobody may change one in place. */
function freezeRecord(record: TenantRecord): TenantRecord {
  Object.freeze(record.features);
  Object.freeze(record.ipAllowList);
  deepFreeze(record.passwordPolicy);
  Object.freeze(record.branding);
  Object.freeze(record.domains);
  return Object.freeze(record);
}

function deepFreeze(value: JsonValue): void {
  if (value === null || typeof value !== "object") return;
  for (const item of Object.values(value)) deepFreeze(item);
  Object.freeze(value);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
