import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import { deleteProject, getProject, updateProject } from "@/lib/accounting/projects";
import { FEATURE_FOR_RESOURCE } from "@/lib/accounting/features";
import type { ProjectUpdateInput } from "@/lib/accounting/schemas";

const feature = FEATURE_FOR_RESOURCE.projects;
type Params = { id: string };

/** GET /api/v1/projects/:id — another tenant's id (or a non-uuid) answers 404. */
export const GET = tenantRoute<Params>({ permission: "tenant:read", feature }, ({ params }) => getProject(params.id));

/** PATCH /api/v1/projects/:id — partial update. */
export const PATCH = tenantRoute<Params>({ permission: "records:update", feature }, async ({ request, params }) =>
  updateProject(params.id, (await readJson(request)) as ProjectUpdateInput),
);

/** DELETE /api/v1/projects/:id — 204. */
export const DELETE = tenantRoute<Params>({ permission: "records:delete", feature }, async ({ params }) => {
  await deleteProject(params.id);
  return new Response(null, { status: 204 });
});
