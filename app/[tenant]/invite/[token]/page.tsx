import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/card";
import { InvitationPanel, type InvitationPanelView } from "@/components/team/accept-form";
import { can } from "@/lib/auth/permissions";
import { memberForPage, sessionUser } from "@/lib/auth/session";
import { describeInvitation } from "@/lib/team/invitations";
import { requireTenantForRoute } from "@/lib/tenancy/current";
import type { TenantSummary } from "@/lib/tenancy/tenants";

/**
 * The public page an invitation e-mail links to (outside the (workspace) group, whose
 * layout would ask for a sign-in first). Opening it changes nothing — mail scanners
 * prefetch links — the form accepts.
 */

export const metadata: Metadata = { title: "Invitation", robots: { index: false, follow: false } };

async function panelView(tenant: TenantSummary, token: string): Promise<InvitationPanelView> {
  const view = await describeInvitation(tenant.id, token);
  if (view.state === "accepted") {
    // The member this invitation made, signed in here (e.g. opening the link again): go on in.
    const membership = await memberForPage(tenant);
    if (membership && membership.user.email.toLowerCase() === view.email)
      return { state: "joined", role: membership.role, next: can(membership.role, "team:read") ? "/team" : "/" };
  }
  if (view.state !== "pending") return { state: view.state };
  const session = await sessionUser(tenant);
  const signedInAsInvitee = session !== null && session.email.toLowerCase() === view.email;
  return {
    state: "pending",
    token,
    email: view.email,
    role: view.role,
    inviterName: view.inviterName,
    tenantName: tenant.name,
    mode: signedInAsInvitee ? "signed-in" : view.accountExists ? "sign-in" : "sign-up",
    otherSession: session && !signedInAsInvitee ? session.email : null,
  };
}

export default async function InvitePage({ params }: { params: Promise<{ tenant: string; token: string }> }) {
  const { tenant: slug, token } = await params;
  const tenant = await requireTenantForRoute(slug);
  const view = await panelView(tenant, token);
  return (
    <AuthCard
      title={view.state === "joined" ? `Welcome to ${tenant.name}` : `Join ${tenant.name}`}
      footer={view.state === "pending" || view.state === "joined" ? undefined : <Link href="/sign-in">Sign in</Link>}
    >
      <InvitationPanel view={view} />
    </AuthCard>
  );
}
