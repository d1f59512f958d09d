import type { NextRequest } from "next/server";
import { clientIp, hostTenant } from "@/lib/auth/host-scope";
import { sessionUser, type SessionUser } from "@/lib/auth/session";
import { controlDb } from "@/lib/db/control";
import type { PlatformActor } from "@/lib/platform/audit-log";
import { ForbiddenError, NotFoundError, UnauthenticatedError } from "./errors";
import { assertSameOrigin } from "./csrf";
import { problemResponse } from "./problem";

/**
 * The boundary wrapper for the platform-admin API (/api/v1/admin/…), the counterpart of
 * tenant-route.ts: it answers only on the root domain, requires a platform session of a
 * user whose platform role is "admin" (no session → 401, anyone else → 403), checks the
 * Origin of cookie-authenticated writes, and turns every thrown error — zod validation
 * included (422 naming the fields) — into problem+json. API keys never reach it: they
 * belong to tenants. Handlers return data (sent as JSON) or a Response.
 */

export interface AdminRouteContext<Params> {
  request: NextRequest;
  params: Params;
  user: SessionUser;
  /** Who acts, and from where: what the platform audit log records. */
  actor: PlatformActor;
}

export interface AdminRouteOptions {
  /** The status of a successful answer; default 201 for POST, 200 otherwise. */
  status?: number;
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function adminRoute<Params = Record<string, never>>(
  handler: (context: AdminRouteContext<Params>) => Promise<unknown>,
  options: AdminRouteOptions = {},
) {
  return async (request: NextRequest, segment: { params: Promise<Params> }): Promise<Response> => {
    try {
      if (request.headers.get("authorization")) throw new ForbiddenError("API keys cannot call the admin API");
      if (UNSAFE_METHODS.has(request.method)) assertSameOrigin(request);
      const user = await requirePlatformAdmin();
      // A tenant's host (or a tenant picked by header/claim on the root API) is not the platform.
      if ((await hostTenant()) !== null) throw new NotFoundError("Page");
      const params = await segment.params;
      const ip = await clientIp();
      const result = await handler({
        request,
        params,
        user,
        actor: { userId: user.id, ip: ip === "unknown" ? null : ip },
      });
      if (result instanceof Response) return result;
      const status = options.status ?? (request.method === "POST" ? 201 : 200);
      if (status === 204) return new Response(null, { status });
      return Response.json(result ?? null, { status });
    } catch (error) {
      return problemResponse(error);
    }
  };
}

/**
 * The signed-in platform admin (root-domain session), or 401/403. The role is read from
 * the database on every call, so revoking it takes effect at once, not when the JWT expires.
 */
export async function requirePlatformAdmin(): Promise<SessionUser> {
  const user = await sessionUser(null);
  if (!user) throw new UnauthenticatedError();
  const db = await controlDb();
  const row = await db.user.findUnique({ where: { id: user.id }, select: { platformRole: true } });
  if (row?.platformRole !== "admin") throw new ForbiddenError("Platform administrators only");
  return { ...user, platformRole: row.platformRole };
}
