import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";
import { ValidationError } from "@/lib/http/errors";

/**
 * The connection string of a database-level tenant that lives on a server of its own.
 * At rest it is `v1.<iv>.<tag>.<ciphertext>` (base64url), AES-256-GCM under a key derived
 * from AUTH_SECRET, with the tenant id as associated data — so a value copied to another
 * tenant's row does not decrypt. It is never logged and never returned by an API; what
 * people see is `describeDatabaseUrl` (host, port and database, no credentials).
 */

const VERSION = "v1";

function key(env: NodeJS.ProcessEnv = process.env): Buffer {
  return Buffer.from(hkdfSync("sha256", authSecret(env), "logiaccounting:tenant-database", "connection-string", 32));
}

/** A PostgreSQL URL with a host and a database, or a ValidationError naming `field`. */
export function parseDatabaseUrl(value: unknown, field = "databaseUrl"): string {
  const invalid = (message: string) => new ValidationError([{ field, message }]);
  if (typeof value !== "string" || !value.trim()) throw invalid("Give a postgresql:// connection string");
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw invalid("Not a valid URL: use postgresql://user:password@host:5432/database");
  }
  if (url.protocol !== "postgresql:" && url.protocol !== "postgres:") {
    throw invalid("Use a postgresql:// connection string");
  }
  if (!url.hostname) throw invalid("The connection string needs a host");
  if (url.pathname.length < 2) throw invalid("The connection string needs a database name");
  return url.toString();
}

export function encryptDatabaseUrl(url: string, tenantId: string, env?: NodeJS.ProcessEnv): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(env), iv);
  cipher.setAAD(Buffer.from(tenantId));
  const ciphertext = Buffer.concat([cipher.update(url, "utf8"), cipher.final()]);
  return [
    VERSION,
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    ciphertext.toString("base64url"),
  ].join(".");
}

/** The connection string, or throws when the value was altered, moved to another tenant or the key changed. */
export function decryptDatabaseUrl(stored: string, tenantId: string, env?: NodeJS.ProcessEnv): string {
  const [version, iv, tag, ciphertext] = stored.split(".");
  if (version !== VERSION || !iv || !tag || !ciphertext) throw new Error("Unknown tenant database URL format");
  const decipher = createDecipheriv("aes-256-gcm", key(env), Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(tenantId));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}

/** What may be shown: `host:port/database`, never the user or password. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
}
