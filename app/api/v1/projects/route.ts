import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import { createProject, listProjects } from "@/lib/accounting/projects";
import { FEATURE_FOR_RESOURCE } from "@/lib/accounting/features";
import type { ProjectCreateInput } from "@/lib/accounting/schemas";
import { queryObject } from "@/lib/accounting/pagination";

const feature = FEATURE_FOR_RESOURCE.projects;

/** GET /api/v1/projects — `{ data, nextCursor }`; ?limit, ?cursor, ?sort and filters. */
export const GET = tenantRoute({ permission: "tenant:read", feature }, ({ request }) =>
  listProjects(queryObject(request.nextUrl.searchParams)),
);

/** POST /api/v1/projects — 201 with the created record. */
export const POST = tenantRoute({ permission: "records:create", feature }, async ({ request }) =>
  createProject((await readJson(request)) as ProjectCreateInput),
);
