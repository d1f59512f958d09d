import { ForbiddenError } from "./errors";

/**
 * CSRF defence for cookie-authenticated writes: a browser sends Origin on cross-site
 * requests (and Sec-Fetch-Site), and the Origin must name this very host. Cross-site
 * pages cannot set X-Forwarded-Host without a CORS preflight, which nothing here grants.
 */
export function isSameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (!origin) return request.headers.get("sec-fetch-site") !== "cross-site";
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function assertSameOrigin(request: Request): void {
  if (!isSameOrigin(request)) throw new ForbiddenError("Cross-site request refused");
}
