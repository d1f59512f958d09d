import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { authSecret } from "./secret";

/**
 * Secrets the platform must be able to read back — a tenant database's connection string, a
 * user's TOTP secret, a webhook endpoint's signing secret — are sealed, not hashed: at rest
 * `v1.<iv>.<tag>.<ciphertext>` (base64url), AES-256-GCM under a key derived with HKDF-SHA256
 * from AUTH_SECRET for one purpose only, with the owning row's id as associated data, so a
 * value copied onto another row does not open. Rotating AUTH_SECRET makes them unreadable.
 */

export interface SealPurpose {
  /** HKDF salt and info: a distinct pair per kind of secret, so one key opens one kind. */
  readonly salt: string;
  readonly info: string;
  /** What it is, for the error on a value that is not sealed at all. */
  readonly label: string;
}

const VERSION = "v1";

function key(purpose: SealPurpose, env?: NodeJS.ProcessEnv): Buffer {
  return Buffer.from(hkdfSync("sha256", authSecret(env), purpose.salt, purpose.info, 32));
}

export function seal(plaintext: string, purpose: SealPurpose, ownerId: string, env?: NodeJS.ProcessEnv): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(purpose, env), iv);
  cipher.setAAD(Buffer.from(ownerId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

/** The plaintext, or throws when the value was altered, moved to another owner or the key changed. */
export function unseal(stored: string, purpose: SealPurpose, ownerId: string, env?: NodeJS.ProcessEnv): string {
  const [version, iv, tag, ciphertext] = stored.split(".");
  if (version !== VERSION || !iv || !tag || !ciphertext) throw new Error(`Unknown ${purpose.label} format`);
  const decipher = createDecipheriv("aes-256-gcm", key(purpose, env), Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(ownerId));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}
