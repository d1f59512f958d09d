import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { seal, unseal, type SealPurpose } from "./sealed-secret";

/**
 * Time-based one-time passwords (TOTP, RFC 6238 over HOTP, RFC 4226) with node:crypto,
 * and the protection of what they rest on: the shared secret is encrypted at rest with
 * AES-256-GCM under a key derived from AUTH_SECRET, and recovery codes are stored as
 * SHA-256 hashes only. Pure functions here; the database side is lib/auth/mfa-store.ts.
 */

export type TotpAlgorithm = "sha1" | "sha256" | "sha512";

export interface TotpOptions {
  /** Seconds per step (30 in every authenticator app). */
  period?: number;
  digits?: number;
  algorithm?: TotpAlgorithm;
}

const DEFAULTS = { period: 30, digits: 6, algorithm: "sha1" as TotpAlgorithm };

// ---- base32 (RFC 4648, upper case, no padding), the encoding authenticator apps expect ----

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32, ignoring case, spaces, dashes and padding; throws on other characters. */
export function base32Decode(text: string): Uint8Array {
  const clean = text.toUpperCase().replace(/[\s=-]/g, "");
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = ALPHABET.indexOf(char);
    if (index === -1) throw new Error("Not a base32 string");
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

/** A new 160-bit secret, base32 (what RFC 4226 recommends for HMAC-SHA1). */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

// ---- HOTP / TOTP ----

/** HOTP (RFC 4226 §5.3): HMAC over the 8-byte counter, dynamic truncation, `digits` decimals. */
export function hotp(key: Uint8Array, counter: number, digits = 6, algorithm: TotpAlgorithm = "sha1"): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/** The time step of an instant (T = floor(unix seconds / period)). */
export function timeStep(at: Date | number, period = DEFAULTS.period): number {
  const ms = typeof at === "number" ? at : at.getTime();
  return Math.floor(ms / 1000 / period);
}

/** The TOTP code of a key at an instant. */
export function totp(key: Uint8Array, at: Date | number, options: TotpOptions = {}): string {
  const { period, digits, algorithm } = { ...DEFAULTS, ...options };
  return hotp(key, timeStep(at, period), digits, algorithm);
}

function sameCode(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface TotpCheck extends TotpOptions {
  now?: Date | number;
  /** Steps accepted either side of now (clock drift): 1 = the previous and the next code. */
  window?: number;
  /** The last step accepted for this secret: it and every earlier step are refused (replay). */
  lastStep?: number | null;
}

/** The step a code belongs to when it is valid now (±window) and newer than lastStep, else null. */
export function verifyTotp(key: Uint8Array, code: string, check: TotpCheck = {}): number | null {
  const { period, digits, algorithm } = { ...DEFAULTS, ...check };
  const candidate = code.replace(/\s/g, "");
  if (!new RegExp(`^\\d{${digits}}$`).test(candidate)) return null;
  const current = timeStep(check.now ?? Date.now(), period);
  const window = check.window ?? 1;
  let matched: number | null = null;
  // Every step is computed, so the time taken does not say which one matched.
  for (let step = current - window; step <= current + window; step++) {
    if (sameCode(hotp(key, step, digits, algorithm), candidate) && matched === null) matched = step;
  }
  if (matched === null) return null;
  if (check.lastStep !== null && check.lastStep !== undefined && matched <= check.lastStep) return null;
  return matched;
}

/** The otpauth:// URI an authenticator app imports (Key Uri Format). */
export function otpauthUri(secret: string, account: string, issuer: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  const params = new URLSearchParams({ secret, issuer, algorithm: "SHA1", digits: "6", period: "30" });
  return `otpauth://totp/${label}?${params.toString()}`;
}

// ---- the secret at rest ----

const SECRET_PURPOSE: SealPurpose = { salt: "logiaccounting:mfa", info: "totp-secret-encryption", label: "MFA secret" };

/** Sealed (lib/auth/sealed-secret.ts) with the user id as associated data. */
export function encryptTotpSecret(secret: string, userId: string, env?: NodeJS.ProcessEnv): string {
  return seal(secret, SECRET_PURPOSE, userId, env);
}

/** The base32 secret, or throws when the value was altered, moved to another user or the key changed. */
export function decryptTotpSecret(stored: string, userId: string, env?: NodeJS.ProcessEnv): string {
  return unseal(stored, SECRET_PURPOSE, userId, env);
}

// ---- recovery codes ----

export const RECOVERY_CODE_COUNT = 10;

/** Ten single-use codes like `k7qm2-x9fte` (50 random bits each). */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const text = base32Encode(randomBytes(7)).slice(0, 10).toLowerCase();
    return `${text.slice(0, 5)}-${text.slice(5)}`;
  });
}

/** What is stored for a recovery code: SHA-256 of its normalised form (case and dashes ignored). */
export function hashRecoveryCode(code: string): string {
  return createHash("sha256").update(code.toLowerCase().replace(/[\s-]/g, "")).digest("hex");
}

/** Whether the input has the shape of a recovery code rather than a TOTP code. */
export function looksLikeRecoveryCode(input: string): boolean {
  return /^[a-z2-7]{5}-?[a-z2-7]{5}$/i.test(input.trim());
}
