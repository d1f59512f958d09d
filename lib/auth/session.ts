import { controlDb } from "@/lib/db/control";
import { ForbiddenError, MfaEnrolmentRequiredError, UnauthenticatedError } from "@/lib/http/errors";
import { assertMfaPolicy } from "./mfa-store";
import type { TenantSummary } from "@/lib/tenancy/tenants";
import { auth } from "./auth";
import { PLATFORM_SCOPE, resolvedOnRootDomain } from "./host-scope";
import { can, isRole, type Permission, type Role } from "./permissions";

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  platformRole: string | null;
}

/**
 * The signed-in user for the given scope (a tenant, or null for the platform), or null.
 * A session issued for another scope (a cookie copied between hosts) or older than the
 * tenant's session timeout counts as no session.
 */
export async function sessionUser(tenant: TenantSummary | null): Promise<SessionUser | null> {
  const session = await auth();
  if (!session?.user?.id) return null;
  const scopeMatches =
    session.scope === (tenant?.id ?? PLATFORM_SCOPE) ||
    (tenant !== null && session.scope === PLATFORM_SCOPE && (await resolvedOnRootDomain()));
  if (!scopeMatches) return null;
  if (tenant && session.scope !== PLATFORM_SCOPE) {
    const ageSeconds = Date.now() / 1000 - session.authTime;
    if (ageSeconds > tenant.sessionTimeoutMinutes * 60) return null;
  }
  return {
    id: session.user.id,
    email: session.user.email ?? "",
    name: session.user.name ?? null,
    platformRole: session.platformRole,
  };
}

export interface Membership {
  user: SessionUser;
  role: Role;
}

export interface RequireMemberOptions {
  /** For the MFA enrolment itself: do not refuse a member who has not set up MFA yet. */
  allowMissingMfa?: boolean;
}

/**
 * The signed-in member of `tenant`, with the role read from the database on every call
 * (so a demotion or removal takes effect at once), checked against `permission`. When the
 * tenant requires MFA, a member without it gets MfaEnrolmentRequiredError (the workspace
 * layout shows the enrolment instead of the page).
 */
export async function requireMember(
  tenant: TenantSummary,
  permission: Permission = "tenant:read",
  options: RequireMemberOptions = {},
): Promise<Membership> {
  const user = await sessionUser(tenant);
  if (!user) throw new UnauthenticatedError();
  const db = await controlDb();
  const membership = await db.membership.findUnique({
    where: { tenantId_userId: { tenantId: tenant.id, userId: user.id } },
  });
  if (!membership || !isRole(membership.role)) throw new ForbiddenError("You are not a member of this workspace");
  if (!can(membership.role, permission)) throw new ForbiddenError();
  if (!options.allowMissingMfa) await assertMfaPolicy(tenant, user.id);
  return { user, role: membership.role };
}

/** The signed-in user's workspaces, for the switcher and the root domain's list. */
export async function workspacesOf(userId: string) {
  const db = await controlDb();
  const memberships = await db.membership.findMany({
    where: { userId, tenant: { status: "active", deletedAt: null } },
    include: {
      tenant: {
        select: {
          id: true,
          slug: true,
          name: true,
          tier: true,
          domains: { where: { isPrimary: true, isVerified: true, isActive: true }, select: { domain: true } },
        },
      },
    },
    orderBy: { tenant: { name: "asc" } },
  });
  return memberships.map((m) => ({
    id: m.tenant.id,
    slug: m.tenant.slug,
    name: m.tenant.name,
    tier: m.tenant.tier,
    role: m.role,
    primaryDomain: m.tenant.domains[0]?.domain ?? null,
  }));
}

/**
 * For server components: the member, or null when there is no session or the user is not a
 * member — the workspace layout then shows the sign-in form or explains, and the page
 * renders nothing.
 * Pages check for themselves because a client navigation can render a page without its layout.
 */
export async function memberForPage(
  tenant: TenantSummary,
  permission: Permission = "tenant:read",
): Promise<Membership | null> {
  try {
    return await requireMember(tenant, permission);
  } catch (error) {
    if (
      error instanceof UnauthenticatedError ||
      error instanceof ForbiddenError ||
      error instanceof MfaEnrolmentRequiredError
    )
      return null;
    throw error;
  }
}
