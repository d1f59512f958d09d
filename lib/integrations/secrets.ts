import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";

/**
 * An endpoint's signing secret (`whsec_<43 base64url chars>`, 256 random bits). It is needed
 * to sign every delivery, so unlike API keys it cannot be kept as a hash: at rest it is
 * `v1.<iv>.<tag>.<ciphertext>`, AES-256-GCM under a key derived from AUTH_SECRET for this
 * purpose only, with the endpoint id as associated data (a value copied to another
 * endpoint's row does not decrypt). It is shown once, when created or rolled.
 */

const VERSION = "v1";
export const SIGNING_SECRET_PREFIX = "whsec_";

function key(env: NodeJS.ProcessEnv = process.env): Buffer {
  return Buffer.from(hkdfSync("sha256", authSecret(env), "logiaccounting:outbound-webhooks", "signing-secret", 32));
}

export function generateSigningSecret(): string {
  return `${SIGNING_SECRET_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function encryptSigningSecret(secret: string, webhookId: string, env?: NodeJS.ProcessEnv): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(env), iv);
  cipher.setAAD(Buffer.from(webhookId));
  const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return [
    VERSION,
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    ciphertext.toString("base64url"),
  ].join(".");
}

/** The secret, or throws when the value was altered, moved to another endpoint or the key changed. */
export function decryptSigningSecret(stored: string, webhookId: string, env?: NodeJS.ProcessEnv): string {
  const [version, iv, tag, ciphertext] = stored.split(".");
  if (version !== VERSION || !iv || !tag || !ciphertext) throw new Error("Unknown signing secret format");
  const decipher = createDecipheriv("aes-256-gcm", key(env), Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(webhookId));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}
