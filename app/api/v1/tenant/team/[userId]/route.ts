import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import { changeMemberRole, removeMember } from "@/lib/team/members";

/**
 * PATCH /api/v1/tenant/team/:userId {role} — changes a member's role (owners and admins,
 * never above their own role; the last owner keeps the role).
 */
export const PATCH = tenantRoute<{ userId: string }>(
  { permission: "team:manage", apiKeys: false },
  async ({ request, params }) => changeMemberRole(params.userId, await readJson(request)),
);

/**
 * DELETE /api/v1/tenant/team/:userId — removes a member (owners and admins), or leaves the
 * workspace when :userId is the caller (anyone but the last owner).
 */
export const DELETE = tenantRoute<{ userId: string }>(
  { permission: "tenant:read", apiKeys: false },
  async ({ params }) => {
    await removeMember(params.userId);
    return new Response(null, { status: 204 });
  },
);
