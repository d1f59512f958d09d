import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import { transferOwnership } from "@/lib/team/members";

/** POST /api/v1/tenant/team/transfer-ownership {userId} — owner only: the member becomes owner, the caller admin. */
export const POST = tenantRoute({ permission: "tenant:transfer", apiKeys: false }, async ({ request }) =>
  Response.json(await transferOwnership(await readJson(request)), { status: 200 }),
);
