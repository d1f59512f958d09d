import { tenantRoute } from "@/lib/http/tenant-route";
import { listAuditEvents } from "@/lib/accounting/audit";
import { FEATURE_FOR_RESOURCE } from "@/lib/accounting/features";
import { queryObject } from "@/lib/accounting/pagination";

/** GET /api/v1/audit-events — the audit trail (Business plan and up); ?entityType, ?entityId, ?action, ?actorId. */
export const GET = tenantRoute({ permission: "audit:read", feature: FEATURE_FOR_RESOURCE.auditEvents }, ({ request }) =>
  listAuditEvents(queryObject(request.nextUrl.searchParams)),
);
