import { randomBytes } from "node:crypto";
import { hashToken } from "@/lib/auth/one-time-tokens";
import { parsePasswordPolicy, passwordProblems } from "@/lib/auth/password-policy";
import { hashPassword, verifyPassword } from "@/lib/auth/passwords";
import { can, canGrant, isRole, type Role } from "@/lib/auth/permissions";
import { signInThrottles } from "@/lib/auth/throttle";
import { controlDb, type ControlClient } from "@/lib/db/control";
import {
  ConflictError,
  ForbiddenError,
  InvitationUnavailableError,
  NotFoundError,
  QuotaExceededError,
  RateLimitedError,
  ValidationError,
} from "@/lib/http/errors";
import { consumeQuota, releaseQuota, upgradeUrl } from "@/lib/quotas/quotas";
import { runInTenantContext, type IsolationLevel } from "@/lib/tenancy/context";
import type { TenantSummary } from "@/lib/tenancy/tenants";
import { recordTeamEvent, teamActor } from "./audit";
import { sendInvitationMail } from "./invitation-mail";
import { acceptInput, inviteInput, parseInput } from "./schemas";

/**
 * Team invitations (seed 16.15). An admin invites an e-mail address with a role:
 * - the token is 32 random bytes (base64url), mailed once and stored only as its SHA-256
 *   (tenant_invitations.token_hash, docs/decisions/0004); it expires (INVITATION_TTL_DAYS,
 *   default 7), works once, and only for the invited address and on its own workspace;
 * - nobody grants a role above their own (lib/auth/permissions.ts `canGrant`);
 * - members plus pending invitations never exceed the plan's seats (tenant_quotas.max_users):
 *   checked when inviting, under a row lock on the tenant's quota row, and again atomically
 *   when accepting (consumeQuota "users"), since the limit can drop in between;
 * - cancel, resend (a new token; the old one stops working) and a list with each status:
 *   pending, accepted, cancelled, or expired (computed from expires_at).
 * Mutations run inside a tenant context whose actor is the signed-in member and are written
 * to the tenant's audit trail.
 */

export type InvitationStatus = "pending" | "accepted" | "expired" | "cancelled";

export interface InvitationDto {
  id: string;
  email: string;
  role: Role;
  status: InvitationStatus;
  expiresAt: string;
  acceptedAt: string | null;
  createdAt: string;
  invitedBy: { id: string; name: string | null; email: string };
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const DEFAULT_TTL_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Days an invitation stays valid when the inviter does not say: INVITATION_TTL_DAYS (1–90), default 7. */
export function invitationTtlDays(env: NodeJS.ProcessEnv = process.env): number {
  const configured = Number(env.INVITATION_TTL_DAYS);
  return Number.isInteger(configured) && configured >= 1 && configured <= 90 ? configured : DEFAULT_TTL_DAYS;
}

function newToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashToken(token) };
}

type InvitationRow = NonNullable<Awaited<ReturnType<ControlClient["tenantInvitation"]["findUnique"]>>>;
type Tx = Parameters<Parameters<ControlClient["$transaction"]>[0]>[0];

export function invitationStatus(row: Pick<InvitationRow, "status" | "expiresAt">, now = new Date()): InvitationStatus {
  if (row.status === "pending" && row.expiresAt.getTime() <= now.getTime()) return "expired";
  return row.status as InvitationStatus;
}

const INVITER = { select: { id: true, name: true, email: true } } as const;

function toDto(
  row: InvitationRow & { inviter: { id: string; name: string | null; email: string } },
  now = new Date(),
): InvitationDto {
  return {
    id: row.id,
    email: row.email,
    role: row.role as Role,
    status: invitationStatus(row, now),
    expiresAt: row.expiresAt.toISOString(),
    acceptedAt: row.acceptedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    invitedBy: row.inviter,
  };
}

/** The acting member's role, read inside the transaction (a demotion a moment ago counts). */
async function roleOf(tx: Tx, tenantId: string, userId: string): Promise<Role> {
  const membership = await tx.membership.findUnique({ where: { tenantId_userId: { tenantId, userId } } });
  if (!membership || !isRole(membership.role)) throw new ForbiddenError("You are not a member of this workspace");
  return membership.role;
}

function assertMayInvite(actorRole: Role, role: Role): void {
  if (!can(actorRole, "team:invite")) throw new ForbiddenError("Only owners and admins can invite people");
  if (!canGrant(actorRole, role))
    throw new ForbiddenError(`You cannot give someone the ${role} role: it is above your own (${actorRole})`);
}

/**
 * Seats: members + live pending invitations (+ the one being made) ≤ max_users. The
 * tenant's quota row is locked first (lockSeats), so concurrent invitations of one
 * workspace are counted one after the other. NULL max_users is unlimited.
 */
async function lockSeats(tx: Tx, tenantId: string): Promise<number | null> {
  const locked = await tx.$queryRaw<Array<{ max_users: number | null }>>`
    SELECT max_users FROM tenant_quotas WHERE tenant_id = ${tenantId}::uuid FOR UPDATE`;
  if (locked.length) return locked[0].max_users;
  // No quota row (should not happen after provisioning): the plan's limit, never "unlimited" by accident.
  const tenant = await tx.tenant.findUnique({
    where: { id: tenantId },
    select: { plan: { select: { maxUsers: true } } },
  });
  return tenant ? tenant.plan.maxUsers : 0;
}

async function assertSeatAvailable(
  tx: Tx,
  tenantId: string,
  limit: number | null,
  now: Date,
  except?: string,
): Promise<void> {
  if (limit === null) return;
  const members = await tx.membership.count({ where: { tenantId } });
  const pending = await tx.tenantInvitation.count({
    where: { tenantId, status: "pending", expiresAt: { gt: now }, ...(except ? { id: { not: except } } : {}) },
  });
  if (members + pending + 1 > limit) {
    throw new QuotaExceededError("users", limit, members + pending, {
      requested: 1,
      unit: "users (members and pending invitations)",
      upgradeUrl: upgradeUrl(),
    });
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}

async function inviterName(db: ControlClient, userId: string): Promise<string> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { name: true, email: true } });
  return user?.name?.trim() || user?.email || "A colleague";
}

/**
 * Invites `email` with `role` to the current tenant and mails the link. The invitation is
 * removed again when the mail cannot be sent (MailDeliveryError, 502): an invitation nobody
 * received would only hold a seat.
 */
export async function inviteMember(raw: unknown, options: { now?: Date } = {}): Promise<InvitationDto> {
  const input = parseInput(inviteInput, raw);
  const { tenantId, userId } = teamActor();
  const now = options.now ?? new Date();
  const expiresAt = new Date(now.getTime() + (input.expiresInDays ?? invitationTtlDays()) * DAY_MS);
  const { token, tokenHash } = newToken();
  const db = await controlDb();
  let row;
  try {
    row = await db.$transaction(async (tx) => {
      assertMayInvite(await roleOf(tx, tenantId, userId), input.role);
      const limit = await lockSeats(tx, tenantId);
      const member = await tx.membership.findFirst({ where: { tenantId, user: { email: input.email } } });
      if (member) throw new ConflictError(`${input.email} is already a member of this workspace`, "email");
      const pending = await tx.tenantInvitation.findFirst({
        where: { tenantId, email: input.email, status: "pending" },
      });
      if (pending && pending.expiresAt > now)
        throw new ConflictError(`${input.email} already has a pending invitation: resend it instead`, "email");
      // An expired one is closed for good; the new invitation takes its place.
      if (pending) await tx.tenantInvitation.update({ where: { id: pending.id }, data: { status: "expired" } });
      await assertSeatAvailable(tx, tenantId, limit, now);
      return tx.tenantInvitation.create({
        data: {
          tenantId,
          email: input.email,
          role: input.role,
          tokenHash,
          expiresAt,
          invitedBy: userId,
          createdAt: now,
        },
        include: { inviter: INVITER },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ConflictError(`${input.email} already has a pending invitation: resend it instead`, "email");
    throw error;
  }
  try {
    await sendInvitationMail({
      tenantId,
      to: row.email,
      role: input.role,
      token,
      expiresAt,
      inviterName: await inviterName(db, userId),
    });
  } catch (error) {
    await db.tenantInvitation.deleteMany({ where: { id: row.id, status: "pending" } });
    throw error;
  }
  await recordTeamEvent({
    action: "team.invitation.created",
    entityType: "invitation",
    entityId: row.id,
    after: { email: row.email, role: row.role, expiresAt: row.expiresAt },
  });
  return toDto(row, now);
}

export interface InvitationListFilter {
  status?: InvitationStatus;
}

/** The tenant's invitations, newest first, each with its status. */
export async function listInvitations(tenantId: string, filter: InvitationListFilter = {}): Promise<InvitationDto[]> {
  const db = await controlDb();
  const now = new Date();
  const where =
    filter.status === "pending"
      ? { tenantId, status: "pending", expiresAt: { gt: now } }
      : filter.status === "expired"
        ? { tenantId, OR: [{ status: "expired" }, { status: "pending", expiresAt: { lte: now } }] }
        : filter.status
          ? { tenantId, status: filter.status }
          : { tenantId };
  const rows = await db.tenantInvitation.findMany({
    where,
    orderBy: { createdAt: "desc" },
    include: { inviter: INVITER },
    take: 500,
  });
  return rows.map((row) => toDto(row, now));
}

/** Loads an invitation of the tenant for a change by the acting member, checking their role against its role. */
async function invitationForChange(tx: Tx, tenantId: string, userId: string, id: string) {
  const actorRole = await roleOf(tx, tenantId, userId);
  // Lock the row: a concurrent acceptance or resend waits for this change.
  const locked = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM tenant_invitations WHERE id = ${id}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
  if (!locked.length) throw new NotFoundError("Invitation");
  const row = await tx.tenantInvitation.findUniqueOrThrow({ where: { id }, include: { inviter: INVITER } });
  assertMayInvite(actorRole, row.role as Role);
  return row;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function requireInvitationId(id: string): string {
  if (!UUID.test(id)) throw new NotFoundError("Invitation");
  return id.toLowerCase();
}

/** Cancels a pending (or expired) invitation: its link stops working and its seat is free. */
export async function cancelInvitation(id: string): Promise<InvitationDto> {
  const invitationId = requireInvitationId(id);
  const { tenantId, userId } = teamActor();
  const db = await controlDb();
  const row = await db.$transaction(async (tx) => {
    const current = await invitationForChange(tx, tenantId, userId, invitationId);
    if (current.status !== "pending")
      throw new ConflictError(`This invitation is ${current.status} and can no longer be cancelled`, "status");
    return tx.tenantInvitation.update({
      where: { id: invitationId },
      data: { status: "cancelled" },
      include: { inviter: INVITER },
    });
  });
  await recordTeamEvent({
    action: "team.invitation.cancelled",
    entityType: "invitation",
    entityId: row.id,
    before: { status: "pending" },
    after: { email: row.email, role: row.role, status: "cancelled" },
  });
  return toDto(row);
}

/**
 * Sends a pending or expired invitation again with a NEW token and a new expiry; the old
 * link stops working at once (its hash is replaced). Reviving an expired invitation needs
 * a free seat again (and no newer invitation for the same address).
 */
export async function resendInvitation(id: string, options: { now?: Date } = {}): Promise<InvitationDto> {
  const invitationId = requireInvitationId(id);
  const { tenantId, userId } = teamActor();
  const now = options.now ?? new Date();
  const { token, tokenHash } = newToken();
  const expiresAt = new Date(now.getTime() + invitationTtlDays() * DAY_MS);
  const db = await controlDb();
  const { row, wasExpired } = await db.$transaction(async (tx) => {
    // The seat lock before the invitation's, in the order inviteMember takes them.
    const limit = await lockSeats(tx, tenantId);
    const current = await invitationForChange(tx, tenantId, userId, invitationId);
    if (current.status !== "pending" && current.status !== "expired")
      throw new ConflictError(`This invitation is ${current.status} and cannot be sent again`, "status");
    const expired = invitationStatus(current, now) === "expired";
    if (current.status === "expired") {
      const newer = await tx.tenantInvitation.findFirst({
        where: { tenantId, email: current.email, status: "pending", id: { not: invitationId } },
      });
      if (newer) throw new ConflictError(`A newer invitation for ${current.email} exists: resend that one`, "status");
    }
    if (expired) await assertSeatAvailable(tx, tenantId, limit, now, invitationId);
    const updated = await tx.tenantInvitation.update({
      where: { id: invitationId },
      data: { tokenHash, expiresAt, status: "pending" },
      include: { inviter: INVITER },
    });
    return { row: updated, wasExpired: expired };
  });
  await sendInvitationMail({
    tenantId,
    to: row.email,
    role: row.role as Role,
    token,
    expiresAt,
    inviterName: await inviterName(db, userId),
  });
  await recordTeamEvent({
    action: "team.invitation.resent",
    entityType: "invitation",
    entityId: row.id,
    before: { status: wasExpired ? "expired" : "pending" },
    after: { email: row.email, role: row.role, expiresAt: row.expiresAt },
  });
  return toDto(row, now);
}

// ── Accepting ────────────────────────────────────────────────────────────────────────

async function findByToken(token: string): Promise<InvitationRow | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const db = await controlDb();
  return db.tenantInvitation.findUnique({ where: { tokenHash: hashToken(token) } });
}

export type InvitationView =
  | { state: "unknown" }
  | { state: "accepted" | "cancelled" | "expired"; email: string }
  | {
      state: "pending";
      email: string;
      role: Role;
      expiresAt: Date;
      inviterName: string;
      /** Whether an account with the invited address exists (sign in) or not (sign up). */
      accountExists: boolean;
    };

/**
 * What the accept page shows for a token on this workspace's host. A token of another
 * workspace reads as unknown, like a wrong one.
 */
export async function describeInvitation(tenantId: string, token: string): Promise<InvitationView> {
  const row = await findByToken(token);
  if (!row || row.tenantId !== tenantId) return { state: "unknown" };
  const status = invitationStatus(row);
  if (status !== "pending") return { state: status, email: row.email };
  const db = await controlDb();
  const account = await db.user.findUnique({ where: { email: row.email }, select: { id: true } });
  return {
    state: "pending",
    email: row.email,
    role: row.role as Role,
    expiresAt: row.expiresAt,
    inviterName: await inviterName(db, row.invitedBy),
    accountExists: account !== null,
  };
}

export interface AcceptOptions {
  /** The user signed in on this host, if any: accepting as them needs no password. */
  sessionUser?: { id: string; email: string } | null;
  /** The client address, for the password throttle. */
  ip?: string;
}

export interface AcceptedInvitation {
  invitationId: string;
  tenantId: string;
  userId: string;
  email: string;
  role: Role;
  /** A new account was created (sign-up on the accept page). */
  newAccount: boolean;
  /** Whether the caller should sign the user in with the password they gave. */
  signInWithPassword: boolean;
}

const WRONG_EMAIL = "This invitation was sent to another e-mail address";

/**
 * Accepts an invitation on its workspace's host: as the invited address only, either as
 * the user already signed in on this host, or with that account's password, or by creating
 * the account (name + password meeting the workspace's password policy). The seat is
 * consumed atomically (consumeQuota "users"), the invitation is claimed with a conditional
 * update (exactly one of two racing acceptances wins) and the membership created, in one
 * transaction; a failure after the seat was taken gives it back.
 */
export async function acceptInvitation(
  tenant: TenantSummary,
  token: string,
  raw: unknown,
  options: AcceptOptions = {},
): Promise<AcceptedInvitation> {
  const input = parseInput(acceptInput, raw ?? {});
  const invitation = await findByToken(token);
  if (!invitation || invitation.tenantId !== tenant.id) throw new NotFoundError("Invitation");
  const status = invitationStatus(invitation);
  if (status !== "pending") throw new InvitationUnavailableError(status);
  const email = invitation.email;
  if (input.email !== undefined && input.email !== email) throw new ForbiddenError(WRONG_EMAIL);

  const db = await controlDb();
  const existing = await db.user.findUnique({ where: { email } });
  const session = options.sessionUser ?? null;
  let newAccount: { name: string; passwordHash: string } | null = null;
  let signInWithPassword = false;

  if (session && input.password === undefined) {
    // Signed in on this host: only as the invited address.
    if (session.email.toLowerCase() !== email || !existing || existing.id !== session.id)
      throw new ForbiddenError(WRONG_EMAIL);
  } else if (existing) {
    if (input.password === undefined)
      throw new ValidationError([{ field: "password", message: "Enter the password of your account" }]);
    await checkPassword(existing, input.password, options.ip ?? "unknown");
    signInWithPassword = true;
  } else {
    const issues = [];
    if (!input.name) issues.push({ field: "name", message: "Enter your name" });
    if (input.password === undefined) issues.push({ field: "password", message: "Choose a password" });
    else
      for (const message of passwordProblems(input.password, parsePasswordPolicy(tenant.passwordPolicy)))
        issues.push({ field: "password", message });
    if (issues.length) throw new ValidationError(issues);
    newAccount = { name: input.name!, passwordHash: await hashPassword(input.password!) };
    signInWithPassword = true;
  }

  await consumeQuota(tenant.id, "users");
  let userId: string;
  try {
    userId = await db.$transaction(async (tx) => {
      const now = new Date();
      const claimed = await tx.tenantInvitation.updateMany({
        where: { id: invitation.id, tenantId: tenant.id, status: "pending", expiresAt: { gt: now } },
        data: { status: "accepted", acceptedAt: now },
      });
      if (claimed.count !== 1) {
        const fresh = await tx.tenantInvitation.findUnique({ where: { id: invitation.id } });
        const reason = fresh ? invitationStatus(fresh, now) : "cancelled";
        throw new InvitationUnavailableError(reason === "pending" ? "accepted" : reason);
      }
      const user = existing
        ? await tx.user.update({ where: { id: existing.id }, data: { emailVerified: existing.emailVerified ?? now } })
        : await tx.user.create({ data: { email, ...newAccount!, emailVerified: now } });
      const member = await tx.membership.findUnique({
        where: { tenantId_userId: { tenantId: tenant.id, userId: user.id } },
      });
      if (member) throw new ConflictError("You are already a member of this workspace", "email");
      await tx.membership.create({ data: { tenantId: tenant.id, userId: user.id, role: invitation.role } });
      return user.id;
    });
  } catch (error) {
    await releaseQuota(tenant.id, "users").catch((releaseError: unknown) =>
      console.error(`[team] could not give back a seat of tenant ${tenant.id}`, releaseError),
    );
    if (isUniqueViolation(error)) throw new ConflictError("An account with this e-mail was just created", "email");
    throw error;
  }

  const role = invitation.role as Role;
  await runInTenantContext(
    {
      tenant: {
        id: tenant.id,
        slug: tenant.slug,
        tier: tenant.tier,
        isolationLevel: tenant.isolationLevel as IsolationLevel,
        features: tenant.features,
      },
      actor: { type: "user", userId, role },
    },
    () =>
      recordTeamEvent({
        action: "team.invitation.accepted",
        entityType: "membership",
        entityId: userId,
        after: { email, role, invitationId: invitation.id, newAccount: newAccount !== null },
      }),
  );
  return {
    invitationId: invitation.id,
    tenantId: tenant.id,
    userId,
    email,
    role,
    newAccount: newAccount !== null,
    signInWithPassword,
  };
}

/** The account's password, with the sign-in throttle (per account and per IP). */
async function checkPassword(
  user: { email: string; passwordHash: string | null },
  password: string,
  ip: string,
): Promise<void> {
  const throttles = signInThrottles();
  const blocked = Math.max(throttles.account.blockedFor(user.email), throttles.ip.blockedFor(ip));
  if (blocked > 0) throw new RateLimitedError(blocked);
  if (!user.passwordHash)
    throw new ValidationError([
      { field: "password", message: "This account has no password, so it cannot be confirmed here" },
    ]);
  if (!(await verifyPassword(user.passwordHash, password))) {
    throttles.account.hit(user.email);
    throttles.ip.hit(ip);
    throw new ValidationError([{ field: "password", message: "Wrong password for this account" }]);
  }
  throttles.account.reset(user.email);
}

export interface SeatUsage {
  members: number;
  /** Pending invitations that have not expired: they hold a seat. */
  pending: number;
  /** tenant_quotas.max_users; null = unlimited. */
  limit: number | null;
}

/** Members and live invitations against the plan's seats, for the team page. */
export async function seatUsage(tenantId: string): Promise<SeatUsage> {
  const db = await controlDb();
  const [members, pending, quota] = await Promise.all([
    db.membership.count({ where: { tenantId } }),
    db.tenantInvitation.count({ where: { tenantId, status: "pending", expiresAt: { gt: new Date() } } }),
    db.tenantQuota.findUnique({ where: { tenantId }, select: { maxUsers: true } }),
  ]);
  return { members, pending, limit: quota ? quota.maxUsers : null };
}
