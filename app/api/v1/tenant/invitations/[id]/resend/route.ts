import { tenantRoute } from "@/lib/http/tenant-route";
import { resendInvitation } from "@/lib/team/invitations";

/** POST /api/v1/tenant/invitations/:id/resend — a new link and expiry; the old link stops working. */
export const POST = tenantRoute<{ id: string }>({ permission: "team:invite", apiKeys: false }, async ({ params }) =>
  Response.json(await resendInvitation(params.id), { status: 200 }),
);
