import { createHash } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { controlDb } from "@/lib/db/control";
import {
  ConflictError,
  ForbiddenError,
  InvitationUnavailableError,
  MailDeliveryError,
  NotFoundError,
  QuotaExceededError,
  ValidationError,
} from "@/lib/http/errors";
import {
  acceptInvitation,
  cancelInvitation,
  describeInvitation,
  inviteMember,
  listInvitations,
  resendInvitation,
} from "@/lib/team/invitations";
import { findActiveTenantBySlug } from "@/lib/tenancy/tenants";
import { describeIsolation } from "../support/isolation";
import { as, createTeam, createUser, failure, PASSWORD, startMailCatcher, type MailCatcher } from "./support";

/**
 * The invitation lifecycle against real databases (PGlite and PostgreSQL) and a real SMTP
 * server: invite → mail → accept, and every way it must refuse: expired, reused, wrong
 * e-mail, wrong workspace, role escalation, cancelled, superseded by a resend, no seat.
 */

let mail: MailCatcher;
const savedSmtp = process.env.SMTP_URL;

beforeAll(async () => {
  mail = await startMailCatcher();
  process.env.SMTP_URL = mail.url;
});

afterAll(async () => {
  if (savedSmtp === undefined) delete process.env.SMTP_URL;
  else process.env.SMTP_URL = savedSmtp;
  await mail.close();
});

let seq = 0;
const address = (label: string) => `${label}-${Date.now().toString(36)}-${++seq}@invitee.test`;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

async function invitationRow(id: string) {
  const db = await controlDb();
  return db.tenantInvitation.findUniqueOrThrow({ where: { id } });
}

describeIsolation("invitations", () => {
  it("an admin invites: the branded mail from the workspace's sender arrives with a link to its host; only the token's hash is stored", async () => {
    const team = await createTeam();
    const db = await controlDb();
    await db.tenantSettings.update({
      where: { tenantId: team.tenant.id },
      data: { emailFromName: "Team Desk", emailFromAddress: "desk@team.test", emailReplyTo: "help@team.test" },
    });
    const email = address("new");
    const invitation = await as(team.tenant, team.ids.admin, "admin", () =>
      inviteMember({ email: email.toUpperCase(), role: "member" }),
    );
    expect(invitation).toMatchObject({ email, role: "member", status: "pending" });
    const days = (Date.parse(invitation.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);

    const [sent] = mail.invitationsTo(email);
    expect(sent.from).toBe("desk@team.test");
    expect(sent.decoded).toMatch(/^From: "?Team Desk"? <desk@team\.test>/m);
    expect(sent.decoded).toMatch(/^Reply-To: help@team\.test/m);
    expect(sent.decoded).toContain(`Subject: Admin of ${team.tenant.slug} invited you to ${team.tenant.name}`);
    expect(sent.decoded).toContain("#7c3aed"); // the workspace's primary colour
    expect(sent.decoded).toContain(`http://${team.tenant.slug}.localhost:3000/invite/`);
    expect(sent.html).toContain(`href="http://${team.tenant.slug}.localhost:3000/invite/`);

    const token = mail.tokenFor(email);
    const row = await invitationRow(invitation.id);
    expect(row.tokenHash).toBe(sha256(token));
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it("a new user accepts with a name and password: member with the invited role, seat counted, audited", async () => {
    const team = await createTeam();
    const email = address("fresh");
    await as(team.tenant, team.ids.owner, "owner", () => inviteMember({ email, role: "admin", expiresInDays: 2 }));
    const token = mail.tokenFor(email);
    expect(await describeInvitation(team.tenant.id, token)).toMatchObject({
      state: "pending",
      email,
      role: "admin",
      accountExists: false,
    });

    // The workspace's password policy applies to the new account.
    const weak = await failure(acceptInvitation(team.tenant, token, { name: "Fresh", password: "short" }));
    expect(weak).toBeInstanceOf(ValidationError);
    expect((weak as ValidationError).issues.map((i) => i.field)).toContain("password");

    const accepted = await acceptInvitation(team.tenant, token, { email, name: "Fresh Face", password: PASSWORD });
    expect(accepted).toMatchObject({ email, role: "admin", newAccount: true, signInWithPassword: true });
    const db = await controlDb();
    const membership = await db.membership.findUniqueOrThrow({
      where: { tenantId_userId: { tenantId: team.tenant.id, userId: accepted.userId } },
      include: { user: true },
    });
    expect(membership.role).toBe("admin");
    expect(membership.user.name).toBe("Fresh Face");
    expect(membership.user.emailVerified).not.toBeNull();
    expect((await db.tenantQuota.findUniqueOrThrow({ where: { tenantId: team.tenant.id } })).currentUsers).toBe(5);
    const [listed] = await listInvitations(team.tenant.id, { status: "accepted" });
    expect(listed).toMatchObject({ email, status: "accepted" });
    expect(listed.acceptedAt).not.toBeNull();

    const audit = await db.$queryRaw<Array<{ action: string; actor_id: string | null }>>`
      SELECT action, actor_id::text FROM audit_events WHERE tenant_id = ${team.tenant.id}::uuid ORDER BY created_at`;
    expect(audit.map((a) => a.action)).toEqual(["team.invitation.created", "team.invitation.accepted"]);
    expect(audit[1].actor_id).toBe(accepted.userId);
  });

  it("an existing account accepts with its password; a wrong password changes nothing", async () => {
    const team = await createTeam();
    const email = address("existing");
    await createUser(email, "Existing Person");
    await as(team.tenant, team.ids.admin, "admin", () => inviteMember({ email, role: "viewer" }));
    const token = mail.tokenFor(email);
    expect(await describeInvitation(team.tenant.id, token)).toMatchObject({ state: "pending", accountExists: true });

    const wrong = await failure(acceptInvitation(team.tenant, token, { password: "not-the-password-1" }));
    expect(wrong).toBeInstanceOf(ValidationError);
    expect((wrong as ValidationError).issues).toEqual([
      { field: "password", message: "Wrong password for this account" },
    ]);
    expect((await describeInvitation(team.tenant.id, token)).state).toBe("pending");

    const accepted = await acceptInvitation(team.tenant, token, { password: PASSWORD });
    expect(accepted).toMatchObject({ email, role: "viewer", newAccount: false });
  });

  it("a user signed in on the workspace's host as the invited address accepts without a password", async () => {
    const team = await createTeam();
    const email = address("session");
    const userId = await createUser(email, "Session Person");
    await as(team.tenant, team.ids.admin, "admin", () => inviteMember({ email, role: "member" }));
    const token = mail.tokenFor(email);
    const accepted = await acceptInvitation(team.tenant, token, {}, { sessionUser: { id: userId, email } });
    expect(accepted).toMatchObject({ userId, signInWithPassword: false });
  });

  it("the link works once: a second acceptance is 410 'accepted'", async () => {
    const team = await createTeam();
    const email = address("once");
    await as(team.tenant, team.ids.admin, "admin", () => inviteMember({ email, role: "member" }));
    const token = mail.tokenFor(email);
    await acceptInvitation(team.tenant, token, { name: "Once", password: PASSWORD });
    const again = await failure(acceptInvitation(team.tenant, token, { password: PASSWORD }));
    expect(again).toBeInstanceOf(InvitationUnavailableError);
    expect(again.extensions).toEqual({ reason: "accepted" });
    expect((await describeInvitation(team.tenant.id, token)).state).toBe("accepted");
  });

  it("five parallel acceptances of one link: exactly one membership, the seat counted once", async () => {
    const team = await createTeam();
    const email = address("twice");
    await as(team.tenant, team.ids.admin, "admin", () => inviteMember({ email, role: "member" }));
    const token = mail.tokenFor(email);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => acceptInvitation(team.tenant, token, { name: "Racer", password: PASSWORD })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected"))
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(Error);
    const db = await controlDb();
    expect(await db.membership.count({ where: { tenantId: team.tenant.id } })).toBe(5);
    expect((await db.tenantQuota.findUniqueOrThrow({ where: { tenantId: team.tenant.id } })).currentUsers).toBe(5);
  });

  it("an expired invitation is 410 'expired', listed as expired, and holds no seat", async () => {
    const team = await createTeam();
    const email = address("late");
    const invitation = await as(team.tenant, team.ids.admin, "admin", () =>
      inviteMember({ email, role: "member", expiresInDays: 1 }),
    );
    const token = mail.tokenFor(email);
    const db = await controlDb();
    await db.tenantInvitation.update({
      where: { id: invitation.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const late = await failure(acceptInvitation(team.tenant, token, { name: "Late", password: PASSWORD }));
    expect(late).toBeInstanceOf(InvitationUnavailableError);
    expect(late.status).toBe(410);
    expect(late.extensions).toEqual({ reason: "expired" });
    expect((await listInvitations(team.tenant.id)).find((i) => i.id === invitation.id)?.status).toBe("expired");
    expect(await listInvitations(team.tenant.id, { status: "pending" })).toEqual([]);
    expect(await db.user.count({ where: { email } })).toBe(0);
  });

  it("another e-mail address cannot accept: 403, and the invitation stays usable", async () => {
    const team = await createTeam();
    const email = address("right");
    await as(team.tenant, team.ids.admin, "admin", () => inviteMember({ email, role: "member" }));
    const token = mail.tokenFor(email);
    const other = address("wrong");
    const typed = await failure(
      acceptInvitation(team.tenant, token, { email: other, name: "Wrong", password: PASSWORD }),
    );
    expect(typed).toBeInstanceOf(ForbiddenError);
    const otherId = await createUser(other, "Signed In Elsewhere");
    const session = await failure(
      acceptInvitation(team.tenant, token, {}, { sessionUser: { id: otherId, email: other } }),
    );
    expect(session).toBeInstanceOf(ForbiddenError);
    const db = await controlDb();
    expect(await db.membership.count({ where: { tenantId: team.tenant.id, userId: otherId } })).toBe(0);
    expect((await describeInvitation(team.tenant.id, token)).state).toBe("pending");
  });

  it("another workspace's host does not know the link: 404, nothing changes", async () => {
    const team = await createTeam();
    const email = address("tenant");
    await as(team.tenant, team.ids.admin, "admin", () => inviteMember({ email, role: "member" }));
    const token = mail.tokenFor(email);
    const globex = (await findActiveTenantBySlug("globex"))!;
    const elsewhere = await failure(acceptInvitation(globex, token, { name: "Cross", password: PASSWORD }));
    expect(elsewhere).toBeInstanceOf(NotFoundError);
    expect(await describeInvitation(globex.id, token)).toEqual({ state: "unknown" });
    expect((await describeInvitation(team.tenant.id, token)).state).toBe("pending");
    const garbage = await failure(acceptInvitation(team.tenant, "not-a-token", {}));
    expect(garbage).toBeInstanceOf(NotFoundError);
  });

  it("nobody grants a role above their own; members and viewers cannot invite", async () => {
    const team = await createTeam();
    const admin = await failure(
      as(team.tenant, team.ids.admin, "admin", () => inviteMember({ email: address("boss"), role: "owner" })),
    );
    expect(admin).toBeInstanceOf(ForbiddenError);
    for (const role of ["member", "viewer"] as const) {
      const denied = await failure(
        as(team.tenant, team.ids[role], role, () => inviteMember({ email: address(role), role: "viewer" })),
      );
      expect(denied).toBeInstanceOf(ForbiddenError);
    }
    // The role is re-read from the database: a context claiming "owner" does not help an admin.
    const claimed = await failure(
      as(team.tenant, team.ids.admin, "owner", () => inviteMember({ email: address("claim"), role: "owner" })),
    );
    expect(claimed).toBeInstanceOf(ForbiddenError);
    const owner = await as(team.tenant, team.ids.owner, "owner", () =>
      inviteMember({ email: address("coowner"), role: "owner" }),
    );
    expect(owner.role).toBe("owner");
    // An admin cannot cancel or resend an owner's invitation either.
    const cancel = await failure(as(team.tenant, team.ids.admin, "admin", () => cancelInvitation(owner.id)));
    expect(cancel).toBeInstanceOf(ForbiddenError);
    const bad = await failure(
      as(team.tenant, team.ids.admin, "admin", () => inviteMember({ email: "nope", role: "emperor" })),
    );
    expect((bad as ValidationError).issues.map((i) => i.field).sort()).toEqual(["email", "role"]);
  });

  it("a cancelled invitation is 410 'cancelled' and frees its seat", async () => {
    const team = await createTeam();
    const email = address("cancel");
    const invitation = await as(team.tenant, team.ids.admin, "admin", () => inviteMember({ email, role: "member" }));
    const token = mail.tokenFor(email);
    const cancelled = await as(team.tenant, team.ids.admin, "admin", () => cancelInvitation(invitation.id));
    expect(cancelled.status).toBe("cancelled");
    const refused = await failure(acceptInvitation(team.tenant, token, { name: "Gone", password: PASSWORD }));
    expect(refused).toBeInstanceOf(InvitationUnavailableError);
    expect(refused.extensions).toEqual({ reason: "cancelled" });
    const twice = await failure(as(team.tenant, team.ids.admin, "admin", () => cancelInvitation(invitation.id)));
    expect(twice).toBeInstanceOf(ConflictError);
    // Another workspace's admin does not see it.
    const other = await createTeam();
    const foreign = await failure(as(other.tenant, other.ids.owner, "owner", () => cancelInvitation(invitation.id)));
    expect(foreign).toBeInstanceOf(NotFoundError);
  });

  it("resend mails a new link and kills the old one; it also revives an expired invitation", async () => {
    const team = await createTeam();
    const email = address("resend");
    const invitation = await as(team.tenant, team.ids.admin, "admin", () => inviteMember({ email, role: "member" }));
    const oldToken = mail.tokenFor(email);
    const db = await controlDb();
    await db.tenantInvitation.update({
      where: { id: invitation.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const resent = await as(team.tenant, team.ids.admin, "admin", () => resendInvitation(invitation.id));
    expect(resent.status).toBe("pending");
    expect(mail.invitationsTo(email)).toHaveLength(2);
    const newToken = mail.tokenFor(email);
    expect(newToken).not.toBe(oldToken);
    const old = await failure(acceptInvitation(team.tenant, oldToken, { name: "Old", password: PASSWORD }));
    expect(old).toBeInstanceOf(NotFoundError);
    const accepted = await acceptInvitation(team.tenant, newToken, { name: "New", password: PASSWORD });
    expect(accepted.role).toBe("member");
    const after = await failure(as(team.tenant, team.ids.admin, "admin", () => resendInvitation(invitation.id)));
    expect(after).toBeInstanceOf(ConflictError);
  });

  it("members plus pending invitations never exceed the seats; duplicates and members are refused", async () => {
    const team = await createTeam();
    const db = await controlDb();
    await db.tenantQuota.update({ where: { tenantId: team.tenant.id }, data: { maxUsers: 5 } });
    const first = address("seat");
    await as(team.tenant, team.ids.admin, "admin", () => inviteMember({ email: first, role: "member" }));
    const full = await failure(
      as(team.tenant, team.ids.admin, "admin", () => inviteMember({ email: address("extra"), role: "member" })),
    );
    expect(full).toBeInstanceOf(QuotaExceededError);
    expect(full.status).toBe(403);
    expect(full.extensions).toMatchObject({ quota: "users", limit: 5, used: 5 });
    const duplicate = await failure(
      as(team.tenant, team.ids.owner, "owner", () => inviteMember({ email: first, role: "member" })),
    );
    expect(duplicate).toBeInstanceOf(ConflictError);
    expect(duplicate.extensions).toEqual({ field: "email" });
    const member = await failure(
      as(team.tenant, team.ids.owner, "owner", () => inviteMember({ email: team.emails.viewer, role: "member" })),
    );
    expect(member).toBeInstanceOf(ConflictError);
  });

  it("seat race: 10 acceptances in parallel with 2 seats left — exactly 2 join", async () => {
    const team = await createTeam();
    const emails = Array.from({ length: 10 }, (_, i) => address(`race${i}`));
    for (const email of emails)
      await as(team.tenant, team.ids.admin, "admin", () => inviteMember({ email, role: "member" }));
    const tokens = emails.map((email) => mail.tokenFor(email));
    // The plan shrinks after the invitations went out: 4 members, 2 seats left.
    const db = await controlDb();
    await db.tenantQuota.update({ where: { tenantId: team.tenant.id }, data: { maxUsers: 6 } });

    const results = await Promise.allSettled(
      tokens.map((token, i) => acceptInvitation(team.tenant, token, { name: `Racer ${i}`, password: PASSWORD })),
    );
    const joined = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(joined).toHaveLength(2);
    expect(refused).toHaveLength(8);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(QuotaExceededError);
      expect((r.reason as QuotaExceededError).extensions).toMatchObject({ quota: "users", limit: 6 });
    }
    expect(await db.membership.count({ where: { tenantId: team.tenant.id } })).toBe(6);
    expect((await db.tenantQuota.findUniqueOrThrow({ where: { tenantId: team.tenant.id } })).currentUsers).toBe(6);
    expect(await listInvitations(team.tenant.id, { status: "accepted" })).toHaveLength(2);
    expect(await listInvitations(team.tenant.id, { status: "pending" })).toHaveLength(8);
    // The refused never got an account either.
    expect(await db.user.count({ where: { email: { in: emails } } })).toBe(2);
  });

  it("a mail server that refuses the message: 502, and no invitation is left holding a seat", async () => {
    const team = await createTeam();
    const { SMTPServer } = await import("smtp-server");
    const refusing = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onRcptTo(_address, _session, callback) {
        callback(new Error("550 mailbox unavailable"));
      },
    });
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", () => resolve()));
    const port = (refusing.server.address() as { port: number }).port;
    process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
    try {
      const email = address("bounce");
      const error = await failure(
        as(team.tenant, team.ids.admin, "admin", () => inviteMember({ email, role: "member" })),
      );
      expect(error).toBeInstanceOf(MailDeliveryError);
      expect(error.status).toBe(502);
      expect(await listInvitations(team.tenant.id)).toEqual([]);
    } finally {
      process.env.SMTP_URL = mail.url;
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  });
});
