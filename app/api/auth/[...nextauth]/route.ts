import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/auth";

/**
 * Route handlers see req.url as the server's own address; Auth.js builds its redirects
 * and cookie names from the URL, so the request is rebuilt with the host it was sent to.
 */
function withPublicHost(request: NextRequest): NextRequest {
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (!host) return request;
  const url = new URL(request.url);
  url.host = host;
  return new Request(url, request) as NextRequest;
}

export const GET = (request: NextRequest) => handlers.GET(withPublicHost(request));
export const POST = (request: NextRequest) => handlers.POST(withPublicHost(request));
