import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { withDemoDatabase } from "../support/demo-database";

/**
 * proxy.ts against a real (PGlite) control plane with the demo tenants: what each kind of
 * request gets, the headers the app may trust, and the IP allow-list.
 */

type Proxy = typeof import("../../proxy");
let proxy: Proxy["proxy"];

const ACME = "a0000000-0000-4000-8000-00000000ac3e";

withDemoDatabase("proxy-test");

beforeAll(async () => {
  process.env.ROOT_DOMAIN = "localhost:3000";
  ({ proxy } = await import("../../proxy"));
});

function request(host: string, path = "/", headers: Record<string, string> = {}): NextRequest {
  return new NextRequest(`http://127.0.0.1:3000${path}`, { headers: { host, ...headers } });
}

/** The request headers the proxy passes on to the app (NextResponse.next/rewrite). */
/** The path a rewrite sends the request to (Next normalises the host part). */
function rewrittenPath(response: Response): string | null {
  const target = response.headers.get("x-middleware-rewrite");
  if (!target) return null;
  const url = new URL(target);
  return `${url.pathname}${url.search}`;
}

function forwarded(response: Response): Record<string, string | null> {
  const get = (name: string) => response.headers.get(`x-middleware-request-${name}`);
  return {
    slug: get("x-tenant-slug"),
    id: get("x-tenant-resolved-id"),
    method: get("x-tenant-resolution"),
  };
}

async function setAllowList(tenantId: string, list: string[]): Promise<void> {
  const { controlDb } = await import("@/lib/db/control");
  const { tenantDirectory } = await import("@/lib/tenancy/directory-instance");
  await (await controlDb()).tenantSettings.update({ where: { tenantId }, data: { ipWhitelist: list } });
  await tenantDirectory().invalidateTenant(tenantId);
}

describe("proxy.ts", () => {
  it("rewrites a tenant host to app/[tenant] and hands the app the resolved tenant", async () => {
    const response = await proxy(request("Acme.LocalHost:3000", "/invoices?status=sent"));
    expect(rewrittenPath(response)).toBe("/acme/invoices?status=sent");
    expect(forwarded(response)).toEqual({ slug: "acme", id: ACME, method: "subdomain" });
  });

  it("resolves a verified custom domain before anything else", async () => {
    const response = await proxy(request("app.initech.test:3000", "/"));
    expect(forwarded(response).slug).toBe("initech");
    expect(forwarded(response).method).toBe("custom_domain");
  });

  it("replaces forged tenant headers instead of passing them on", async () => {
    const response = await proxy(
      request("globex.localhost:3000", "/", { "x-tenant-slug": "acme", "x-tenant-resolved-id": ACME }),
    );
    expect(forwarded(response).slug).toBe("globex");
    expect(forwarded(response).id).not.toBe(ACME);
    const root = await proxy(request("localhost:3000", "/acme", { "x-tenant-slug": "acme" }));
    // On the root domain the forged header is dropped (the deletion is passed on as the override list).
    expect(root.headers.get("x-middleware-override-headers") ?? "").not.toContain("x-tenant-slug");
    expect(forwarded(root).slug).toBeNull();
  });

  it("answers unknown and reserved hosts with 404, and a suspended tenant with 403", async () => {
    expect((await proxy(request("nosuch.localhost:3000", "/api/v1/tenant"))).status).toBe(404);
    expect((await proxy(request("admin.localhost:3000", "/api/v1/tenant"))).status).toBe(404);
    const page = await proxy(request("nosuch.localhost:3000", "/"));
    expect(rewrittenPath(page)).toBe("/unknown-host");
    const suspended = await proxy(request("umbrella.localhost:3000", "/"));
    expect(suspended.status).toBe(403);
    expect(await suspended.text()).toContain("Umbrella Ledgers is suspended");
    const suspendedApi = await proxy(request("umbrella.localhost:3000", "/api/v1/tenant"));
    expect(suspendedApi.status).toBe(403);
    expect(suspendedApi.headers.get("content-type")).toBe("application/problem+json");
  });

  it("refuses X-Tenant-ID without a credential, on pages, and when it contradicts the host", async () => {
    expect((await proxy(request("localhost:3000", "/api/v1/tenant", { "x-tenant-id": "acme" }))).status).toBe(403);
    expect((await proxy(request("localhost:3000", "/", { "x-tenant-id": "acme" }))).status).toBe(403);
    expect((await proxy(request("globex.localhost:3000", "/api/v1/tenant", { "x-tenant-id": "acme" }))).status).toBe(
      403,
    );
  });

  it("enforces the tenant's IP allow-list, by address and by CIDR range", async () => {
    await setAllowList(ACME, ["203.0.113.0/24", "2001:db8::1"]);
    try {
      const inside = await proxy(request("acme.localhost:3000", "/", { "x-forwarded-for": "203.0.113.7" }));
      expect(inside.status).toBe(200);
      const v6 = await proxy(request("acme.localhost:3000", "/", { "x-forwarded-for": "2001:db8::1" }));
      expect(v6.status).toBe(200);
      const outside = await proxy(request("acme.localhost:3000", "/", { "x-forwarded-for": "198.51.100.9" }));
      expect(outside.status).toBe(403);
      const outsideApi = await proxy(
        request("acme.localhost:3000", "/api/v1/tenant", { "x-forwarded-for": "198.51.100.9" }),
      );
      expect(outsideApi.status).toBe(403);
      expect((await outsideApi.json()).type).toContain("ip-not-allowed");
      // Other tenants are not affected.
      const globex = await proxy(request("globex.localhost:3000", "/", { "x-forwarded-for": "198.51.100.9" }));
      expect(globex.status).toBe(200);
    } finally {
      await setAllowList(ACME, []);
    }
    expect((await proxy(request("acme.localhost:3000", "/", { "x-forwarded-for": "198.51.100.9" }))).status).toBe(200);
  });
});
