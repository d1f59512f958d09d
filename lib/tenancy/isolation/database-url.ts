import { seal, unseal, type SealPurpose } from "@/lib/auth/sealed-secret";
import { ValidationError } from "@/lib/http/errors";

/**
 * The connection string of a database-level tenant that lives on a server of its own.
 * At rest it is `v1.<iv>.<tag>.<ciphertext>` (base64url), AES-256-GCM under a key derived
 * from AUTH_SECRET, with the tenant id as associated data — so a value copied to another
 * tenant's row does not decrypt. It is never logged and never returned by an API; what
 * people see is `describeDatabaseUrl` (host, port and database, no credentials).
 */

const PURPOSE: SealPurpose = {
  salt: "logiaccounting:tenant-database",
  info: "connection-string",
  label: "tenant database URL",
};

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
  return seal(url, PURPOSE, tenantId, env);
}

/** The connection string, or throws when the value was altered, moved to another tenant or the key changed. */
export function decryptDatabaseUrl(stored: string, tenantId: string, env?: NodeJS.ProcessEnv): string {
  return unseal(stored, PURPOSE, tenantId, env);
}

/** What may be shown: `host:port/database`, never the user or password. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
}
