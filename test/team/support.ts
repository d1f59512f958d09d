import { randomUUID } from "node:crypto";
import type { Role } from "@/lib/auth/permissions";
import { hashPassword } from "@/lib/auth/passwords";
import { controlDb } from "@/lib/db/control";
import { loadQuotaRow } from "@/lib/quotas/store";
import { runInTenantContext } from "@/lib/tenancy/context";
import { findActiveTenantBySlug, type TenantSummary } from "@/lib/tenancy/tenants";

export { startMailCatcher, type MailCatcher } from "../support/smtp-catcher";

/**
 * Fixtures of the team suites: fresh workspaces with members of each role and the acting
 * member's tenant context. The invitation e-mails are caught by test/support/smtp-catcher.ts.
 */

export const PASSWORD = "team-Passw0rd!";
let passwordHash: string | undefined;
let n = 0;

export interface TeamFixture {
  tenant: TenantSummary;
  /** User ids by role: one owner, one admin, one member, one viewer. */
  ids: Record<Role, string>;
  emails: Record<Role, string>;
}

export async function createUser(email: string, name: string): Promise<string> {
  const db = await controlDb();
  passwordHash ??= await hashPassword(PASSWORD);
  const user = await db.user.create({ data: { email, name, passwordHash, emailVerified: new Date() } });
  return user.id;
}

/** A new active workspace of `tier` with an owner, an admin, a member and a viewer. */
export async function createTeam(tier = "business"): Promise<TeamFixture> {
  const db = await controlDb();
  const slug = `team${Date.now().toString(36)}${(++n).toString(36)}${randomUUID().slice(0, 4)}`;
  const tenant = await db.tenant.create({
    data: { slug, name: `Team ${slug}`, email: `owner@${slug}.test`, tier, status: "active" },
  });
  await db.tenantSettings.create({ data: { tenantId: tenant.id, primaryColor: "#7c3aed" } });
  await loadQuotaRow(tenant.id); // the plan's limits, as provisioning copies them
  const ids = {} as Record<Role, string>;
  const emails = {} as Record<Role, string>;
  for (const role of ["owner", "admin", "member", "viewer"] as const) {
    emails[role] = `${role}@${slug}.test`;
    ids[role] = await createUser(emails[role], `${role[0].toUpperCase()}${role.slice(1)} of ${slug}`);
    await db.membership.create({ data: { tenantId: tenant.id, userId: ids[role], role } });
  }
  await db.tenant.update({ where: { id: tenant.id }, data: { ownerId: ids.owner } });
  await db.tenantQuota.update({ where: { tenantId: tenant.id }, data: { currentUsers: 4 } });
  const summary = await findActiveTenantBySlug(slug);
  if (!summary) throw new Error("test tenant not found");
  return { tenant: summary, ids, emails };
}

/** Runs `fn` as `userId` with `role` in the workspace (what tenantRoute and the actions set up). */
export function as<T>(tenant: TenantSummary, userId: string, role: Role, fn: () => Promise<T>): Promise<T> {
  return runInTenantContext(
    {
      tenant: {
        id: tenant.id,
        slug: tenant.slug,
        tier: tenant.tier,
        isolationLevel: "shared_database",
        features: tenant.features,
      },
      actor: { type: "user", userId, role },
    },
    fn,
  );
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function failure(promise: Promise<unknown>): Promise<Error & { status?: number; extensions?: object }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}
