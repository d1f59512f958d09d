import { recordAudit } from "@/lib/accounting/audit";
import { currentTenant } from "@/lib/tenancy/context";
import { tenantTransaction } from "@/lib/tenancy/scoped-client";

/**
 * Settings live in the control plane, the audit trail in the tenant plane (which may be
 * another schema or database), so one transaction cannot hold both. The change commits
 * first and its audit event is written right after, in the tenant's own transaction; a
 * change that did not commit is never audited.
 */
export async function auditSettingsChange(action: string, before: unknown, after: unknown): Promise<void> {
  const tenantId = currentTenant().id;
  await tenantTransaction((db) =>
    recordAudit(db, { action, entityType: "tenant_settings", entityId: tenantId, before, after }),
  );
}

/** Only the keys whose values differ, so an audit event shows what changed and nothing else. */
export function changedFields<T extends object>(before: T, after: T): { before: Partial<T>; after: Partial<T> } {
  const out = { before: {} as Partial<T>, after: {} as Partial<T> };
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      out.before[key] = before[key];
      out.after[key] = after[key];
    }
  }
  return out;
}
