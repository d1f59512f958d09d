import { tenantRoute } from "@/lib/http/tenant-route";
import { cancelInvitation } from "@/lib/team/invitations";

/** DELETE /api/v1/tenant/invitations/:id — cancels a pending invitation; its link stops working. */
export const DELETE = tenantRoute<{ id: string }>({ permission: "team:invite", apiKeys: false }, async ({ params }) =>
  cancelInvitation(params.id),
);
