import { NextResponse, type NextRequest } from "next/server";
import { classifyHost, TENANT_SLUG_HEADER } from "@/lib/tenancy/hosts";

/**
 * Next 16's request proxy (the file formerly called middleware.ts): the host is the router.
 * `<slug>.<root domain>/path` is rewritten to `/<slug>/path` (app/[tenant]/...), with the
 * slug passed in a request header that only this proxy can set, because every incoming
 * x-tenant-* header is stripped first.
 */
export function proxy(request: NextRequest): NextResponse {
  const headers = new Headers(request.headers);
  for (const name of [...headers.keys()]) {
    if (name.startsWith("x-tenant-")) headers.delete(name);
  }

  const match = classifyHost(request.headers.get("host"));
  if (match.kind === "subdomain") {
    headers.set(TENANT_SLUG_HEADER, match.slug);
    // Route handlers live at app/api/ for every host; they read the tenant from the header.
    if (isApiPath(request.nextUrl.pathname)) return NextResponse.next({ request: { headers } });
    const url = request.nextUrl.clone();
    url.pathname = `/${match.slug}${url.pathname === "/" ? "" : url.pathname}`;
    return NextResponse.rewrite(url, { request: { headers } });
  }
  if (match.kind === "root") return NextResponse.next({ request: { headers } });

  // Reserved names and unknown hosts never reach a tenant.
  return NextResponse.rewrite(new URL("/unknown-host", request.url), { request: { headers } });
}

function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|robots.txt).*)"],
};
