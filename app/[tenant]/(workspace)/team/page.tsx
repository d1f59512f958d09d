import { InvitationActions } from "@/components/team/invitation-actions";
import { InviteForm } from "@/components/team/invite-form";
import { MemberActions } from "@/components/team/member-actions";
import { can, canGrant, ROLES, type Role } from "@/lib/auth/permissions";
import { memberForPage } from "@/lib/auth/session";
import { invitationTtlDays, listInvitations, seatUsage, type InvitationStatus } from "@/lib/team/invitations";
import { listMembers } from "@/lib/team/members";
import { requireTenantForRoute } from "@/lib/tenancy/current";

export const metadata = { title: "Team" };

const STATUS_STYLE: Record<InvitationStatus, string> = {
  pending: "bg-amber-100 text-amber-900",
  accepted: "bg-green-100 text-green-900",
  expired: "bg-slate-200 text-slate-700",
  cancelled: "bg-red-100 text-red-900",
};

function formatter(language: string, timeZone: string): (iso: string | null) => string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short", timeZone });
  } catch {
    format = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
  }
  return (iso) => (iso ? format.format(new Date(iso)) : "never");
}

/** Members with their role and last sign-in, the invite form, and the invitations with their status. */
export default async function TeamPage({ params }: { params: Promise<{ tenant: string }> }) {
  const tenant = await requireTenantForRoute((await params).tenant);
  const membership = await memberForPage(tenant);
  if (!membership) return null;
  const { role, user } = membership;
  if (!can(role, "team:read"))
    return (
      <main className="mx-auto max-w-5xl px-6 py-10">
        <h1 className="text-2xl font-bold">Team</h1>
        <p className="mt-4 text-slate-600">Viewers cannot see the team. Ask an admin for the member role.</p>
      </main>
    );
  const show = formatter(tenant.locale.language, tenant.locale.timezone);
  const mayInvite = can(role, "team:invite");
  const mayManage = can(role, "team:manage");
  const [members, invitations, seats] = await Promise.all([
    listMembers(tenant.id),
    mayInvite ? listInvitations(tenant.id) : Promise.resolve([]),
    seatUsage(tenant.id),
  ]);
  const owners = members.filter((m) => m.role === "owner").length;
  const grantable: Role[] = ROLES.filter((r) => canGrant(role, r));
  const used = seats.members + seats.pending;

  return (
    <main className="mx-auto max-w-6xl space-y-10 px-6 py-10">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <h1 className="text-2xl font-bold">Team</h1>
        <p className="text-sm text-slate-600" data-testid="seat-usage">
          {seats.limit === null
            ? `${seats.members} members, ${seats.pending} pending invitations (unlimited seats)`
            : `${used} of ${seats.limit} seats used: ${seats.members} members, ${seats.pending} pending invitations`}
        </p>
      </div>

      <section aria-labelledby="members-heading">
        <h2 id="members-heading" className="mb-3 text-lg font-semibold">
          Members
        </h2>
        <table className="w-full text-left text-sm" data-testid="members">
          <thead className="text-slate-500">
            <tr>
              <th className="py-2">Name</th>
              <th>E-mail</th>
              <th>Role</th>
              <th>Last sign-in</th>
              <th className="sr-only">Actions</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => {
              const isSelf = m.userId === user.id;
              const lastOwner = m.role === "owner" && owners <= 1;
              const manageable = mayManage && canGrant(role, m.role) && !lastOwner;
              const label = m.name ?? m.email;
              return (
                <tr
                  key={m.userId}
                  className="border-t border-slate-200 align-top [&>td]:py-2"
                  data-testid={`member-${m.email}`}
                >
                  <td className="font-medium">
                    {m.name ?? "—"}
                    {isSelf && <span className="ml-1 text-xs text-slate-500">(you)</span>}
                  </td>
                  <td>{m.email}</td>
                  <td>
                    <span
                      className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium"
                      data-testid="member-role"
                    >
                      {m.role}
                    </span>
                    {lastOwner && <span className="ml-1 text-xs text-slate-500">last owner</span>}
                  </td>
                  <td className="text-slate-600">{show(m.lastSignInAt)}</td>
                  <td>
                    <MemberActions
                      userId={m.userId}
                      label={label}
                      role={m.role}
                      roles={manageable ? grantable : []}
                      canRemove={!lastOwner && (isSelf || manageable)}
                      isSelf={isSelf}
                      canTransfer={can(role, "tenant:transfer") && !isSelf}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      {mayInvite && (
        <section aria-labelledby="invite-heading" className="space-y-4">
          <h2 id="invite-heading" className="text-lg font-semibold">
            Invite someone
          </h2>
          <InviteForm roles={grantable} defaultDays={invitationTtlDays()} />
          <table className="w-full text-left text-sm" data-testid="invitations">
            <thead className="text-slate-500">
              <tr>
                <th className="py-2">E-mail</th>
                <th>Role</th>
                <th>Status</th>
                <th>Valid until / accepted</th>
                <th>Invited by</th>
                <th className="sr-only">Actions</th>
              </tr>
            </thead>
            <tbody>
              {invitations.length === 0 && (
                <tr className="border-t border-slate-200">
                  <td colSpan={6} className="py-3 text-slate-500">
                    No invitations yet.
                  </td>
                </tr>
              )}
              {invitations.map((inv) => (
                <tr
                  key={inv.id}
                  className="border-t border-slate-200 align-top [&>td]:py-2"
                  data-testid={`invitation-${inv.email}`}
                >
                  <td>{inv.email}</td>
                  <td>{inv.role}</td>
                  <td>
                    <span
                      className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_STYLE[inv.status]}`}
                      data-testid="invitation-status"
                    >
                      {inv.status}
                    </span>
                  </td>
                  <td className="text-slate-600">
                    {inv.status === "accepted" ? show(inv.acceptedAt) : show(inv.expiresAt)}
                  </td>
                  <td className="text-slate-600">{inv.invitedBy.name ?? inv.invitedBy.email}</td>
                  <td>
                    {(inv.status === "pending" || inv.status === "expired") && canGrant(role, inv.role) && (
                      <InvitationActions id={inv.id} email={inv.email} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </main>
  );
}
