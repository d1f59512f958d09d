import { expect, it } from "vitest";
import { controlDb } from "@/lib/db/control";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/http/errors";
import { changeMemberRole, listMembers, removeMember, transferOwnership } from "@/lib/team/members";
import { describeIsolation } from "../support/isolation";
import { as, createTeam, createUser, failure } from "./support";

/**
 * Team management against real databases: who may change whose role, removing and
 * leaving, the last owner, ownership transfer — and the race where two owners demote each
 * other at once.
 */

async function roleOf(tenantId: string, userId: string): Promise<string | null> {
  const db = await controlDb();
  const row = await db.membership.findUnique({ where: { tenantId_userId: { tenantId, userId } } });
  return row?.role ?? null;
}

async function auditActions(tenantId: string): Promise<string[]> {
  const db = await controlDb();
  const rows = await db.$queryRaw<Array<{ action: string }>>`
    SELECT action FROM audit_events WHERE tenant_id = ${tenantId}::uuid ORDER BY created_at`;
  return rows.map((r) => r.action);
}

describeIsolation("team members", () => {
  it("lists members owners first with role, join date and the last sign-in to this workspace", async () => {
    const team = await createTeam();
    const db = await controlDb();
    const seen = new Date("2026-03-04T05:06:07.000Z");
    await db.membership.update({
      where: { tenantId_userId: { tenantId: team.tenant.id, userId: team.ids.member } },
      data: { lastSignInAt: seen },
    });
    const members = await listMembers(team.tenant.id);
    expect(members.map((m) => m.role)).toEqual(["owner", "admin", "member", "viewer"]);
    expect(members.find((m) => m.userId === team.ids.member)).toMatchObject({
      email: team.emails.member,
      lastSignInAt: seen.toISOString(),
    });
    expect(members.find((m) => m.userId === team.ids.viewer)?.lastSignInAt).toBeNull();
  });

  it("an admin changes roles up to admin, never touches an owner and never makes one", async () => {
    const team = await createTeam();
    const { tenant, ids } = team;
    const promoted = await as(tenant, ids.admin, "admin", () => changeMemberRole(ids.viewer, { role: "admin" }));
    expect(promoted.role).toBe("admin");
    const toOwner = await failure(
      as(tenant, ids.admin, "admin", () => changeMemberRole(ids.member, { role: "owner" })),
    );
    expect(toOwner).toBeInstanceOf(ForbiddenError);
    const demoteOwner = await failure(
      as(tenant, ids.admin, "admin", () => changeMemberRole(ids.owner, { role: "member" })),
    );
    expect(demoteOwner).toBeInstanceOf(ForbiddenError);
    expect(await roleOf(tenant.id, ids.owner)).toBe("owner");
    expect(await roleOf(tenant.id, ids.member)).toBe("member");
    expect(await auditActions(tenant.id)).toEqual(["team.member.role_changed"]);
  });

  it("members and viewers change no roles; the role is re-read from the database, not the caller's claim", async () => {
    const team = await createTeam();
    const { tenant, ids } = team;
    const member = await failure(
      as(tenant, ids.member, "member", () => changeMemberRole(ids.viewer, { role: "member" })),
    );
    expect(member).toBeInstanceOf(ForbiddenError);
    const claimed = await failure(
      as(tenant, ids.viewer, "owner", () => changeMemberRole(ids.viewer, { role: "owner" })),
    );
    expect(claimed).toBeInstanceOf(ForbiddenError);
    const invalid = await failure(as(tenant, ids.owner, "owner", () => changeMemberRole(ids.viewer, { role: "god" })));
    expect((invalid as ValidationError).issues.map((i) => i.field)).toEqual(["role"]);
    const outsider = await failure(
      as(tenant, ids.owner, "owner", () => changeMemberRole("00000000-0000-4000-8000-000000000000", { role: "admin" })),
    );
    expect(outsider).toBeInstanceOf(NotFoundError);
    expect(await roleOf(tenant.id, ids.viewer)).toBe("viewer");
  });

  it("the last owner can neither be demoted nor leave; with a second owner both work", async () => {
    const team = await createTeam();
    const { tenant, ids } = team;
    const demote = await failure(as(tenant, ids.owner, "owner", () => changeMemberRole(ids.owner, { role: "admin" })));
    expect(demote).toBeInstanceOf(ConflictError);
    const leave = await failure(as(tenant, ids.owner, "owner", () => removeMember(ids.owner)));
    expect(leave).toBeInstanceOf(ConflictError);
    expect(await roleOf(tenant.id, ids.owner)).toBe("owner");

    await as(tenant, ids.owner, "owner", () => changeMemberRole(ids.admin, { role: "owner" }));
    await as(tenant, ids.owner, "owner", () => changeMemberRole(ids.owner, { role: "admin" }));
    expect(await roleOf(tenant.id, ids.owner)).toBe("admin");
    // The owner of record follows to the remaining owner.
    const db = await controlDb();
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).ownerId).toBe(ids.admin);
    const last = await failure(as(tenant, ids.admin, "owner", () => removeMember(ids.admin)));
    expect(last).toBeInstanceOf(ConflictError);
  });

  it("two owners demoting each other, or both leaving, at the same moment: one succeeds, one owner remains", async () => {
    const db = await controlDb();
    for (const kind of ["demote", "leave"] as const) {
      const team = await createTeam();
      const { tenant, ids } = team;
      await as(tenant, ids.owner, "owner", () => changeMemberRole(ids.admin, { role: "owner" }));
      const results = await Promise.allSettled(
        kind === "demote"
          ? [
              as(tenant, ids.owner, "owner", () => changeMemberRole(ids.admin, { role: "member" })),
              as(tenant, ids.admin, "owner", () => changeMemberRole(ids.owner, { role: "member" })),
            ]
          : [
              as(tenant, ids.owner, "owner", () => removeMember(ids.owner)),
              as(tenant, ids.admin, "owner", () => removeMember(ids.admin)),
            ],
      );
      expect(
        results.filter((r) => r.status === "fulfilled"),
        kind,
      ).toHaveLength(1);
      expect(await db.membership.count({ where: { tenantId: tenant.id, role: "owner" } }), kind).toBe(1);
    }
  });

  it("removing a member gives the seat back and audits it; admins cannot remove owners; anyone can leave", async () => {
    const team = await createTeam();
    const { tenant, ids } = team;
    const db = await controlDb();
    const seats = async () => (await db.tenantQuota.findUniqueOrThrow({ where: { tenantId: tenant.id } })).currentUsers;
    expect(await seats()).toBe(4);
    await as(tenant, ids.admin, "admin", () => removeMember(ids.viewer));
    expect(await roleOf(tenant.id, ids.viewer)).toBeNull();
    expect(await seats()).toBe(3);
    const owner = await failure(as(tenant, ids.admin, "admin", () => removeMember(ids.owner)));
    expect(owner).toBeInstanceOf(ForbiddenError);
    const byMember = await failure(as(tenant, ids.member, "member", () => removeMember(ids.admin)));
    expect(byMember).toBeInstanceOf(ForbiddenError);
    await as(tenant, ids.member, "member", () => removeMember(ids.member));
    expect(await roleOf(tenant.id, ids.member)).toBeNull();
    expect(await seats()).toBe(2);
    expect(await auditActions(tenant.id)).toEqual(["team.member.removed", "team.member.left"]);
    // A removed member can no longer act in the workspace.
    const gone = await failure(as(tenant, ids.member, "member", () => removeMember(ids.admin)));
    expect(gone).toBeInstanceOf(ForbiddenError);
  });

  it("ownership transfer: owners only; the new owner owns, the old one is an admin", async () => {
    const team = await createTeam();
    const { tenant, ids } = team;
    const byAdmin = await failure(as(tenant, ids.admin, "admin", () => transferOwnership({ userId: ids.member })));
    expect(byAdmin).toBeInstanceOf(ForbiddenError);
    const toSelf = await failure(as(tenant, ids.owner, "owner", () => transferOwnership({ userId: ids.owner })));
    expect(toSelf).toBeInstanceOf(ConflictError);
    const outsiderId = await createUser(`outsider-${Date.now()}@team.test`, "Outsider");
    const toOutsider = await failure(as(tenant, ids.owner, "owner", () => transferOwnership({ userId: outsiderId })));
    expect(toOutsider).toBeInstanceOf(NotFoundError);

    const { previousOwner, newOwner } = await as(tenant, ids.owner, "owner", () =>
      transferOwnership({ userId: ids.member }),
    );
    expect(previousOwner).toMatchObject({ userId: ids.owner, role: "admin" });
    expect(newOwner).toMatchObject({ userId: ids.member, role: "owner" });
    const db = await controlDb();
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).ownerId).toBe(ids.member);
    expect(await auditActions(tenant.id)).toEqual(["team.ownership.transferred"]);
    // The former owner is an admin now: no second transfer.
    const again = await failure(as(tenant, ids.owner, "admin", () => transferOwnership({ userId: ids.admin })));
    expect(again).toBeInstanceOf(ForbiddenError);
  });

  it("another workspace's member ids are unknown here", async () => {
    const team = await createTeam();
    const other = await createTeam();
    const foreign = await failure(
      as(team.tenant, team.ids.owner, "owner", () => changeMemberRole(other.ids.member, { role: "viewer" })),
    );
    expect(foreign).toBeInstanceOf(NotFoundError);
    const removed = await failure(as(team.tenant, team.ids.owner, "owner", () => removeMember(other.ids.member)));
    expect(removed).toBeInstanceOf(NotFoundError);
    expect(await roleOf(other.tenant.id, other.ids.member)).toBe("member");
  });
});
