import { createHash, randomBytes } from "node:crypto";
import { LRUCache } from "lru-cache";
import { controlDb } from "@/lib/db/control";
import { ValidationError } from "@/lib/http/errors";

/**
 * Tenant API keys. A key looks like `lak_<8-char prefix>_<secret>`; it is shown once at
 * creation and only its SHA-256 is stored (a fast hash is right here: the secret has 256
 * bits of entropy, so there is nothing to brute-force, and lookups stay O(1)). The prefix
 * stays visible so admins can tell keys apart. Each key belongs to exactly one tenant.
 */

const KEY_PATTERN = /^lak_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;
const LAST_USED_RESOLUTION_MS = 60_000;

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  /** The full key: returned once, never stored. */
  secret: string;
}

export interface VerifiedApiKey {
  id: string;
  tenantId: string;
  name: string;
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

export async function createApiKey(input: {
  tenantId: string;
  name: string;
  createdById: string;
}): Promise<CreatedApiKey> {
  const name = input.name.trim();
  if (!name || name.length > 100)
    throw new ValidationError([{ field: "name", message: "Give the key a name of 1 to 100 characters" }]);
  const prefix = randomBytes(6)
    .toString("base64url")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "0")
    .slice(0, 8);
  const secret = `lak_${prefix}_${randomBytes(32).toString("base64url")}`;
  const db = await controlDb();
  const row = await db.apiKey.create({
    data: {
      tenantId: input.tenantId,
      name,
      prefix: `lak_${prefix}`,
      keyHash: hashApiKey(secret),
      createdById: input.createdById,
    },
  });
  return { id: row.id, name: row.name, prefix: row.prefix, secret };
}

/**
 * How long a verified key's row is reused in this process: an API client calls many times a
 * second, and each call was a database query to find the key. revokeApiKey drops the copy
 * here at once; another server process stops accepting a revoked key within this TTL
 * (docs/security.md). Only keys that exist are kept, and expiry is checked on every call.
 */
export const API_KEY_CACHE_TTL_MS = 1_000;

interface KeyRow {
  id: string;
  tenantId: string;
  name: string;
  revokedAt: Date | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

interface KeyCache {
  rows: LRUCache<string, { row: KeyRow; loadedAt: number }>;
  /** Bumped by every revocation: a read that started before one is not kept. */
  generation: number;
}

const KEY_CACHE = Symbol.for("logiaccounting.api-key-rows");

// On globalThis: the proxy and the route bundles of one process share it, so a revocation clears both.
function keyCache(): KeyCache {
  const holder = globalThis as { [KEY_CACHE]?: KeyCache };
  holder[KEY_CACHE] ??= { rows: new LRUCache({ max: 10_000 }), generation: 0 };
  return holder[KEY_CACHE];
}

/** Forgets every cached key row of this process (tests; revokeApiKey forgets its key itself). */
export function forgetApiKeys(): void {
  const cache = keyCache();
  cache.generation++;
  cache.rows.clear();
}

async function keyRow(keyHash: string, now: number): Promise<KeyRow | null> {
  const cache = keyCache();
  const cached = cache.rows.get(keyHash);
  if (cached && now - cached.loadedAt < API_KEY_CACHE_TTL_MS && now >= cached.loadedAt) return cached.row;
  const generation = cache.generation;
  const db = await controlDb();
  const row = await db.apiKey.findUnique({
    where: { keyHash },
    select: { id: true, tenantId: true, name: true, revokedAt: true, expiresAt: true, lastUsedAt: true },
  });
  if (row && !row.revokedAt && generation === cache.generation) cache.rows.set(keyHash, { row, loadedAt: now });
  else cache.rows.delete(keyHash);
  return row;
}

/** The key's tenant and id, or null when unknown, revoked or expired. */
export async function verifyApiKey(key: string): Promise<VerifiedApiKey | null> {
  if (!looksLikeApiKey(key)) return null;
  const now = new Date();
  const row = await keyRow(hashApiKey(key), now.getTime());
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // At most one write a minute per key, and the condition makes concurrent requests race harmlessly.
    row.lastUsedAt = now;
    const db = await controlDb();
    await db.apiKey.updateMany({
      where: {
        id: row.id,
        OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } }],
      },
      data: { lastUsedAt: now },
    });
  }
  return { id: row.id, tenantId: row.tenantId, name: row.name };
}

export async function listApiKeys(tenantId: string) {
  const db = await controlDb();
  return db.apiKey.findMany({
    where: { tenantId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true, expiresAt: true },
  });
}

/** Revokes a key of this tenant; another tenant's key id reads as not found (false). */
export async function revokeApiKey(tenantId: string, id: string): Promise<boolean> {
  const db = await controlDb();
  const { count } = await db.apiKey.updateMany({
    where: { id, tenantId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  // The key stops working in this process at once (others: within API_KEY_CACHE_TTL_MS).
  const cache = keyCache();
  cache.generation++;
  for (const [hash, { row }] of cache.rows.entries()) if (row.id === id) cache.rows.delete(hash);
  return count === 1;
}
