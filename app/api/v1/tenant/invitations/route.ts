import { z } from "zod";
import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import { inviteMember, listInvitations } from "@/lib/team/invitations";

const listQuery = z.object({ status: z.enum(["pending", "accepted", "expired", "cancelled"]).optional() }).strict();

/** GET /api/v1/tenant/invitations[?status=pending|accepted|expired|cancelled] — newest first, with status. */
export const GET = tenantRoute({ permission: "team:invite", apiKeys: false }, async ({ request, tenant }) => {
  const query = listQuery.parse(Object.fromEntries(request.nextUrl.searchParams));
  return { data: await listInvitations(tenant.id, query) };
});

/**
 * POST /api/v1/tenant/invitations {email, role, expiresInDays?} — invites and mails the link
 * (201). 403 above the caller's role or with no seat left (quota-exceeded), 409 when the
 * address is a member or already invited, 502 when the mail server refuses.
 */
export const POST = tenantRoute({ permission: "team:invite", apiKeys: false }, async ({ request }) =>
  inviteMember(await readJson(request)),
);
