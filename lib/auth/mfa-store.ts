import { controlDb } from "@/lib/db/control";
import { ConflictError, MfaEnrolmentRequiredError, ValidationError } from "@/lib/http/errors";
import {
  base32Decode,
  decryptTotpSecret,
  encryptTotpSecret,
  generateRecoveryCodes,
  generateTotpSecret,
  hashRecoveryCode,
  looksLikeRecoveryCode,
  otpauthUri,
  verifyTotp,
} from "./mfa";

/**
 * A user's TOTP second factor in the users table (docs/mfa.md): mfa_secret holds the
 * encrypted secret, mfa_enabled_at is NULL while an enrolment waits for its first code,
 * mfa_last_step is the newest step accepted (a code is never accepted twice, even by two
 * requests at once: the step only moves forward in one conditional UPDATE), and
 * mfa_recovery_codes holds the hashes of the unused recovery codes (each removed in one
 * conditional UPDATE, so a code works once).
 */

export interface MfaStatus {
  enabled: boolean;
  enabledAt: string | null;
  /** An enrolment was started and waits for its first code. */
  pending: boolean;
  recoveryCodesLeft: number;
}

export async function mfaStatus(userId: string): Promise<MfaStatus> {
  const db = await controlDb();
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { mfaSecret: true, mfaEnabledAt: true, mfaRecoveryCodes: true },
  });
  return {
    enabled: user.mfaEnabledAt !== null,
    enabledAt: user.mfaEnabledAt?.toISOString() ?? null,
    pending: user.mfaEnabledAt === null && user.mfaSecret !== null,
    recoveryCodesLeft: user.mfaRecoveryCodes.length,
  };
}

export async function hasMfa(userId: string): Promise<boolean> {
  const db = await controlDb();
  const user = await db.user.findUnique({ where: { id: userId }, select: { mfaEnabledAt: true } });
  return user?.mfaEnabledAt != null;
}

/**
 * The tenant's MFA policy for one of its members: when the tenant requires MFA and the user
 * has not turned it on, MfaEnrolmentRequiredError (the workspace layout then shows the
 * enrolment, the API answers 403 mfa-enrolment-required).
 */
export async function assertMfaPolicy(tenant: { mfaRequired: boolean }, userId: string): Promise<void> {
  if (tenant.mfaRequired && !(await hasMfa(userId))) throw new MfaEnrolmentRequiredError();
}

export interface Enrolment {
  /** Base32, for typing into an authenticator by hand. */
  secret: string;
  /** otpauth:// URI, for apps that import it (or a QR code of it). */
  uri: string;
}

/** Starts (or restarts) an enrolment: a new secret, stored encrypted, not active until confirmed. */
export async function startMfaEnrolment(userId: string, issuer: string): Promise<Enrolment> {
  const db = await controlDb();
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, mfaEnabledAt: true } });
  if (user.mfaEnabledAt) throw new ConflictError("Two-step sign-in is already on; turn it off first to start over");
  const secret = generateTotpSecret();
  await db.user.update({
    where: { id: userId },
    data: { mfaSecret: encryptTotpSecret(secret, userId), mfaLastStep: null, mfaRecoveryCodes: [] },
  });
  return { secret, uri: otpauthUri(secret, user.email, issuer) };
}

function invalidCode(): ValidationError {
  return new ValidationError([
    { field: "code", message: "That code is not valid. Check the time on your device and try again." },
  ]);
}

/**
 * Confirms an enrolment with the first code from the app and turns MFA on. Returns the
 * recovery codes: shown once, only their hashes are kept.
 */
export async function confirmMfaEnrolment(userId: string, code: string): Promise<{ recoveryCodes: string[] }> {
  const db = await controlDb();
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { mfaSecret: true, mfaEnabledAt: true },
  });
  if (user.mfaEnabledAt) throw new ConflictError("Two-step sign-in is already on");
  if (!user.mfaSecret) throw new ConflictError("Start the set-up first");
  const step = verifyTotp(base32Decode(decryptTotpSecret(user.mfaSecret, userId)), code);
  if (step === null) throw invalidCode();
  const recoveryCodes = generateRecoveryCodes();
  const { count } = await db.user.updateMany({
    where: { id: userId, mfaEnabledAt: null, mfaSecret: user.mfaSecret },
    data: {
      mfaEnabledAt: new Date(),
      mfaLastStep: BigInt(step),
      mfaRecoveryCodes: recoveryCodes.map(hashRecoveryCode),
    },
  });
  if (count === 0) throw new ConflictError("The set-up changed meanwhile; start again");
  return { recoveryCodes };
}

export type SecondFactor = "totp" | "recovery_code";

/**
 * Checks a code of a user with MFA on: a TOTP code (±1 step, each step accepted once) or
 * an unused recovery code (then used up). Returns what matched, or null.
 */
export async function verifySecondFactor(userId: string, input: string): Promise<SecondFactor | null> {
  const code = input.trim();
  if (!code || code.length > 32) return null;
  const db = await controlDb();
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { mfaSecret: true, mfaEnabledAt: true, mfaLastStep: true, mfaRecoveryCodes: true },
  });
  if (!user?.mfaEnabledAt || !user.mfaSecret) return null;
  if (looksLikeRecoveryCode(code)) {
    const hash = hashRecoveryCode(code);
    if (!user.mfaRecoveryCodes.includes(hash)) return null;
    // Re-checked in the UPDATE: of two requests with the same code, one removes it.
    const { count } = await db.user.updateMany({
      where: { id: userId, mfaRecoveryCodes: { has: hash } },
      data: { mfaRecoveryCodes: user.mfaRecoveryCodes.filter((h) => h !== hash) },
    });
    return count === 1 ? "recovery_code" : null;
  }
  const lastStep = user.mfaLastStep === null ? null : Number(user.mfaLastStep);
  const step = verifyTotp(base32Decode(decryptTotpSecret(user.mfaSecret, userId)), code, { lastStep });
  if (step === null) return null;
  // The step only moves forward: a replay (or a racing request with the same code) finds no row.
  const { count } = await db.user.updateMany({
    where: { id: userId, OR: [{ mfaLastStep: null }, { mfaLastStep: { lt: BigInt(step) } }] },
    data: { mfaLastStep: BigInt(step) },
  });
  return count === 1 ? "totp" : null;
}

/** Workspaces of the user that require MFA (by name): while there are any, MFA cannot be turned off. */
export async function workspacesRequiringMfa(userId: string): Promise<string[]> {
  const db = await controlDb();
  const memberships = await db.membership.findMany({
    where: { userId, tenant: { settings: { mfaRequired: true }, deletedAt: null } },
    select: { tenant: { select: { name: true } } },
  });
  return memberships.map((m) => m.tenant.name);
}

/** Turns MFA off after a valid code; refused while a workspace of the user requires it. */
export async function disableMfa(userId: string, code: string): Promise<void> {
  const requiring = await workspacesRequiringMfa(userId);
  if (requiring.length) {
    throw new ConflictError(`Two-step sign-in is required by ${requiring.join(", ")}; it cannot be turned off`);
  }
  if (!(await verifySecondFactor(userId, code))) throw invalidCode();
  const db = await controlDb();
  await db.user.update({
    where: { id: userId },
    data: { mfaSecret: null, mfaEnabledAt: null, mfaLastStep: null, mfaRecoveryCodes: [] },
  });
}

/** New recovery codes (the old ones stop working) after a valid code. */
export async function regenerateRecoveryCodes(userId: string, code: string): Promise<{ recoveryCodes: string[] }> {
  if (!(await verifySecondFactor(userId, code))) throw invalidCode();
  const recoveryCodes = generateRecoveryCodes();
  const db = await controlDb();
  await db.user.update({ where: { id: userId }, data: { mfaRecoveryCodes: recoveryCodes.map(hashRecoveryCode) } });
  return { recoveryCodes };
}
