import { randomBytes } from "node:crypto";
import { seal, unseal, type SealPurpose } from "@/lib/auth/sealed-secret";

/**
 * An endpoint's signing secret (`whsec_<43 base64url chars>`, 256 random bits). It is needed
 * to sign every delivery, so unlike API keys it cannot be kept as a hash: it is sealed
 * (lib/auth/sealed-secret.ts) with the endpoint id as associated data. It is shown once,
 * when created or rolled.
 */

export const SIGNING_SECRET_PREFIX = "whsec_";
const PURPOSE: SealPurpose = {
  salt: "logiaccounting:outbound-webhooks",
  info: "signing-secret",
  label: "signing secret",
};

export function generateSigningSecret(): string {
  return `${SIGNING_SECRET_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function encryptSigningSecret(secret: string, webhookId: string, env?: NodeJS.ProcessEnv): string {
  return seal(secret, PURPOSE, webhookId, env);
}

/** The secret, or throws when the value was altered, moved to another endpoint or the key changed. */
export function decryptSigningSecret(stored: string, webhookId: string, env?: NodeJS.ProcessEnv): string {
  return unseal(stored, PURPOSE, webhookId, env);
}
