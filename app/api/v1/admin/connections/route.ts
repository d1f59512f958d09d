import { adminRoute } from "@/lib/http/admin-route";
import { connectionGauges } from "@/lib/platform/connection-gauges";

/** GET /api/v1/admin/connections — gauges of the main pool and of the per-tenant clients and pools. */
export const GET = adminRoute(async () => connectionGauges());
