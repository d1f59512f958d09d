import type { NextRequest } from "next/server";
import { hostTenant } from "@/lib/auth/host-scope";
import { readJson } from "@/lib/http/body";
import { assertSameOrigin } from "@/lib/http/csrf";
import { NotFoundError } from "@/lib/http/errors";
import { problemResponse } from "@/lib/http/problem";
import { acceptAndSignIn } from "@/lib/team/accept";

/**
 * POST /api/v1/invitations/:token/accept {email?, name?, password?} — public, on the
 * invitation's workspace host (subdomain or custom domain). A new account sends name and
 * password, an existing one its password. Answers 200 with the membership and signs the
 * caller in on this host. Errors: 404 unknown token (or another workspace's), 410 used,
 * cancelled or expired, 403 another e-mail address or no seat left, 422 naming the field.
 *
 * CSRF: the token is a bearer secret, but accepting also creates a session, so a cross-site
 * form post could sign a victim's browser in to an account the attacker controls (login
 * CSRF). A browser's cross-site post is refused by the Origin check; clients that send no
 * Origin (curl, scripts) are not browsers and are unaffected.
 */
export async function POST(request: NextRequest, segment: { params: Promise<{ token: string }> }): Promise<Response> {
  try {
    assertSameOrigin(request);
    const tenant = await hostTenant();
    if (!tenant) throw new NotFoundError("Invitation");
    const { token } = await segment.params;
    const result = await acceptAndSignIn(tenant, token, await readJson(request));
    return Response.json(result, { status: 200 });
  } catch (error) {
    return problemResponse(error);
  }
}
