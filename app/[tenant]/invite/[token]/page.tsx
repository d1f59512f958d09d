import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/card";
import { AcceptInvitationForm } from "@/components/team/accept-form";
import { sessionUser } from "@/lib/auth/session";
import { describeInvitation } from "@/lib/team/invitations";
import { requireTenantForRoute } from "@/lib/tenancy/current";

/**
 * The public page an invitation e-mail links to (outside the (workspace) group, whose
 * layout would ask for a sign-in first). Opening it changes nothing — mail scanners
 * prefetch links — the form below accepts.
 */

export const metadata: Metadata = { title: "Invitation", robots: { index: false, follow: false } };

const REASONS = {
  unknown: "This invitation link is not valid here. Check that you opened the whole link from the e-mail.",
  accepted: "This invitation has already been accepted.",
  cancelled: "This invitation was cancelled by the workspace.",
  expired: "This invitation has expired. Ask an admin of the workspace to send it again.",
} as const;

export default async function InvitePage({ params }: { params: Promise<{ tenant: string; token: string }> }) {
  const { tenant: slug, token } = await params;
  const tenant = await requireTenantForRoute(slug);
  const view = await describeInvitation(tenant.id, token);
  if (view.state !== "pending") {
    return (
      <AuthCard title={`Join ${tenant.name}`} footer={<Link href="/sign-in">Sign in</Link>}>
        <p role="alert" className="text-slate-700" data-testid="invitation-unavailable">
          {REASONS[view.state]}
        </p>
      </AuthCard>
    );
  }
  const session = await sessionUser(tenant);
  const signedInAsInvitee = session !== null && session.email.toLowerCase() === view.email;
  const mode = signedInAsInvitee ? "signed-in" : view.accountExists ? "sign-in" : "sign-up";
  return (
    <AuthCard title={`Join ${tenant.name}`}>
      <p className="mb-6 text-slate-700" data-testid="invitation-summary">
        {view.inviterName} invited you to join <strong>{tenant.name}</strong> as <strong>{view.role}</strong>.
        {mode === "sign-in" && " Sign in with your account to accept."}
        {mode === "sign-up" && " Create your account to accept."}
      </p>
      {session && !signedInAsInvitee && (
        <p className="mb-4 rounded-lg bg-amber-50 p-3 text-sm text-amber-900">
          You are signed in as {session.email}, but this invitation is for {view.email}.
        </p>
      )}
      <AcceptInvitationForm token={token} email={view.email} mode={mode} />
    </AuthCard>
  );
}
