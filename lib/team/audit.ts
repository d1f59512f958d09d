import { recordAudit, type AuditEntry } from "@/lib/accounting/audit";
import { ForbiddenError } from "@/lib/http/errors";
import { tenantContext } from "@/lib/tenancy/context";
import { tenantTransaction } from "@/lib/tenancy/scoped-client";

/**
 * Team changes live in the control plane (memberships, tenant_invitations); their audit
 * events live in the tenant's own audit trail (tenant plane), written right after the
 * change commits, inside the current tenant context. Entity types: "membership" (id = the
 * member's user id) and "invitation" (id = the invitation id). Tokens never appear in them.
 */
export async function recordTeamEvent(entry: AuditEntry): Promise<void> {
  await tenantTransaction((db) => recordAudit(db, entry));
}

/** The workspace and the signed-in member acting in the current tenant context. */
export function teamActor(): { tenantId: string; userId: string } {
  const { tenant, actor } = tenantContext();
  if (actor.type !== "user") throw new ForbiddenError("Only signed-in members can manage the team");
  return { tenantId: tenant.id, userId: actor.userId };
}
