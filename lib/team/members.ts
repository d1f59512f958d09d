import { can, canGrant, isRole, ROLES, type Role } from "@/lib/auth/permissions";
import { controlDb, type ControlClient } from "@/lib/db/control";
import { ConflictError, ForbiddenError, NotFoundError } from "@/lib/http/errors";
import { releaseQuota } from "@/lib/quotas/quotas";
import { recordTeamEvent, teamActor } from "./audit";
import { changeRoleInput, parseInput, transferOwnershipInput } from "./schemas";

/**
 * The members of a workspace (seed 16.20): list with role and last sign-in, change a role,
 * remove a member or leave, transfer ownership. The rules:
 * - changing roles and removing others needs team:manage (admins and owners), and never
 *   reaches above the actor's own role: an admin neither touches an owner nor makes one;
 * - anyone may leave, except the last owner; the last owner cannot be demoted either;
 * - only an owner transfers ownership (the new owner becomes owner, the old one admin).
 * Every change locks the affected memberships and all owner rows of the tenant first (in
 * id order, one statement), so two owners demoting each other at once cannot leave the
 * workspace without one. tenants.owner_id follows: it always names a current owner.
 * Mutations run inside a tenant context whose actor is the signed-in member.
 */

export interface MemberDto {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  joinedAt: string;
  /** Last sign-in to this workspace; null when never (or before this was recorded). */
  lastSignInAt: string | null;
}

type Tx = Parameters<Parameters<ControlClient["$transaction"]>[0]>[0];

const RANK = Object.fromEntries(ROLES.map((role, index) => [role, index])) as Record<Role, number>;

/** Members of the tenant, owners first, then by name or e-mail. */
export async function listMembers(tenantId: string): Promise<MemberDto[]> {
  const db = await controlDb();
  const rows = await db.membership.findMany({
    where: { tenantId },
    include: { user: { select: { email: true, name: true } } },
  });
  return rows
    .filter((row) => isRole(row.role))
    .map((row) => ({
      userId: row.userId,
      email: row.user.email,
      name: row.user.name,
      role: row.role as Role,
      joinedAt: row.createdAt.toISOString(),
      lastSignInAt: row.lastSignInAt?.toISOString() ?? null,
    }))
    .sort(
      (a, b) =>
        RANK[a.role] - RANK[b.role] ||
        (a.name ?? a.email).localeCompare(b.name ?? b.email, "en", { sensitivity: "base" }),
    );
}

interface LockedMembership {
  id: string;
  user_id: string;
  role: string;
}

/** Locks the actor's and target's memberships and every owner's, in id order (no deadlocks). */
async function lockTeam(tx: Tx, tenantId: string, actorId: string, targetId: string) {
  const rows = await tx.$queryRaw<LockedMembership[]>`
    SELECT id, user_id, role FROM memberships
     WHERE tenant_id = ${tenantId}::uuid
       AND (role = 'owner' OR user_id = ${actorId}::uuid OR user_id = ${targetId}::uuid)
     ORDER BY id
       FOR UPDATE`;
  const actor = rows.find((row) => row.user_id === actorId);
  if (!actor || !isRole(actor.role)) throw new ForbiddenError("You are not a member of this workspace");
  const target = rows.find((row) => row.user_id === targetId);
  if (!target || !isRole(target.role)) throw new NotFoundError("Member");
  const owners = rows.filter((row) => row.role === "owner").length;
  return { actorRole: actor.role as Role, targetRole: target.role as Role, owners };
}

/** Points tenants.owner_id at a current owner (the longest-standing) when it no longer names one. */
async function keepOwnerOfRecord(tx: Tx, tenantId: string): Promise<void> {
  const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { ownerId: true } });
  const owners = await tx.membership.findMany({
    where: { tenantId, role: "owner" },
    orderBy: { createdAt: "asc" },
    select: { userId: true },
  });
  if (tenant && !owners.some((owner) => owner.userId === tenant.ownerId)) {
    await tx.tenant.update({ where: { id: tenantId }, data: { ownerId: owners[0]?.userId ?? null } });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function requireUserId(id: string): string {
  if (!UUID.test(id)) throw new NotFoundError("Member");
  return id.toLowerCase();
}

async function memberDto(db: ControlClient | Tx, tenantId: string, userId: string): Promise<MemberDto> {
  const row = await db.membership.findUniqueOrThrow({
    where: { tenantId_userId: { tenantId, userId } },
    include: { user: { select: { email: true, name: true } } },
  });
  return {
    userId: row.userId,
    email: row.user.email,
    name: row.user.name,
    role: row.role as Role,
    joinedAt: row.createdAt.toISOString(),
    lastSignInAt: row.lastSignInAt?.toISOString() ?? null,
  };
}

const LAST_OWNER = "The workspace needs at least one owner: make someone else an owner first";

/** Changes a member's role (see the rules above); changing to the same role changes nothing. */
export async function changeMemberRole(targetUserId: string, raw: unknown): Promise<MemberDto> {
  const { role } = parseInput(changeRoleInput, raw);
  const target = requireUserId(targetUserId);
  const { tenantId, userId } = teamActor();
  const db = await controlDb();
  const { before, after } = await db.$transaction(async (tx) => {
    const { actorRole, targetRole, owners } = await lockTeam(tx, tenantId, userId, target);
    if (!can(actorRole, "team:manage")) throw new ForbiddenError("Only owners and admins can change roles");
    if (!canGrant(actorRole, targetRole))
      throw new ForbiddenError(`You cannot change the role of ${targetRole === "owner" ? "an owner" : "this member"}`);
    if (!canGrant(actorRole, role))
      throw new ForbiddenError(`You cannot give someone the ${role} role: it is above your own (${actorRole})`);
    if (targetRole === role) return { before: targetRole, after: await memberDto(tx, tenantId, target) };
    if (targetRole === "owner" && owners <= 1) throw new ConflictError(LAST_OWNER, "role");
    await tx.membership.update({ where: { tenantId_userId: { tenantId, userId: target } }, data: { role } });
    if (targetRole === "owner" || role === "owner") await keepOwnerOfRecord(tx, tenantId);
    return { before: targetRole, after: await memberDto(tx, tenantId, target) };
  });
  if (before !== after.role) {
    await recordTeamEvent({
      action: "team.member.role_changed",
      entityType: "membership",
      entityId: target,
      before: { email: after.email, role: before },
      after: { email: after.email, role: after.role },
    });
  }
  return after;
}

/**
 * Removes a member, or — when the target is the actor — leaves the workspace. The seat is
 * given back (releaseQuota "users"). The removed user's next request finds no membership.
 */
export async function removeMember(targetUserId: string): Promise<void> {
  const target = requireUserId(targetUserId);
  const { tenantId, userId } = teamActor();
  const leaving = target === userId;
  const db = await controlDb();
  const removed = await db.$transaction(async (tx) => {
    const { actorRole, targetRole, owners } = await lockTeam(tx, tenantId, userId, target);
    if (!leaving) {
      if (!can(actorRole, "team:manage")) throw new ForbiddenError("Only owners and admins can remove members");
      if (!canGrant(actorRole, targetRole)) throw new ForbiddenError("You cannot remove someone above your own role");
    }
    if (targetRole === "owner" && owners <= 1)
      throw new ConflictError(
        leaving ? "You are the last owner: make someone else an owner before you leave" : LAST_OWNER,
        "role",
      );
    const member = await memberDto(tx, tenantId, target);
    await tx.membership.delete({ where: { tenantId_userId: { tenantId, userId: target } } });
    if (targetRole === "owner") await keepOwnerOfRecord(tx, tenantId);
    return member;
  });
  await releaseQuota(tenantId, "users");
  await recordTeamEvent({
    action: leaving ? "team.member.left" : "team.member.removed",
    entityType: "membership",
    entityId: target,
    before: { email: removed.email, role: removed.role },
  });
}

/**
 * Hands the workspace over: the target member becomes an owner (and the owner of record),
 * the acting owner becomes an admin. Owners only.
 */
export async function transferOwnership(raw: unknown): Promise<{ previousOwner: MemberDto; newOwner: MemberDto }> {
  const { userId: rawTarget } = parseInput(transferOwnershipInput, raw);
  const target = rawTarget.toLowerCase();
  const { tenantId, userId } = teamActor();
  const db = await controlDb();
  const result = await db.$transaction(async (tx) => {
    const { actorRole, targetRole } = await lockTeam(tx, tenantId, userId, target);
    if (!can(actorRole, "tenant:transfer")) throw new ForbiddenError("Only an owner can transfer ownership");
    if (target === userId) throw new ConflictError("You already own this workspace: choose another member", "userId");
    await tx.membership.update({ where: { tenantId_userId: { tenantId, userId: target } }, data: { role: "owner" } });
    await tx.membership.update({ where: { tenantId_userId: { tenantId, userId } }, data: { role: "admin" } });
    await tx.tenant.update({ where: { id: tenantId }, data: { ownerId: target } });
    return {
      targetRole,
      previousOwner: await memberDto(tx, tenantId, userId),
      newOwner: await memberDto(tx, tenantId, target),
    };
  });
  await recordTeamEvent({
    action: "team.ownership.transferred",
    entityType: "membership",
    entityId: target,
    before: { owner: userId, newOwnerRole: result.targetRole },
    after: { owner: target, previousOwnerRole: "admin" },
  });
  return { previousOwner: result.previousOwner, newOwner: result.newOwner };
}
