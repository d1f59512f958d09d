import { adminRoute } from "@/lib/http/admin-route";
import { readJson } from "@/lib/http/body";
import { createTenant, listQueryFrom, listTenants } from "@/lib/platform/admin-tenants";

/** GET /api/v1/admin/tenants — `{ data, page, pageSize, total, totalPages }`; ?search, ?status, ?tier, ?level, ?page, ?pageSize. */
export const GET = adminRoute(async ({ request }) => listTenants(listQueryFrom(request.nextUrl.searchParams)));

/** POST /api/v1/admin/tenants — provisions a tenant; 201 with the tenant. */
export const POST = adminRoute(async ({ request, actor }) => createTenant(actor, await readJson(request)));
