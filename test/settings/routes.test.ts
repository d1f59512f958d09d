import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Role } from "@/lib/auth/permissions";

/**
 * The settings route handlers over real requests and a real (PGlite) control plane with the
 * demo tenants: the permission each needs, problem+json naming the field, uploads as
 * multipart and as a raw body, and API keys kept out. Two request-scope seams are replaced,
 * as in test/features/plan-feature-gates.test.ts: `headers()` returns the request's headers,
 * and the session lookup returns the acting member with the role under test (sign-in is
 * covered by e2e/settings.spec.ts). The permission check itself (lib/auth/permissions.ts,
 * called by requireMember) is the real one.
 */

const requestHeaders = vi.hoisted(() => ({ current: new Headers() }));
const actor = vi.hoisted(() => ({ role: "owner" as Role, userId: "" }));
vi.mock("next/headers", () => ({ headers: async () => requestHeaders.current }));
vi.mock("@/lib/auth/session", async () => {
  const { can } = await import("@/lib/auth/permissions");
  const { ForbiddenError } = await import("@/lib/http/errors");
  return {
    requireMember: async (_tenant: unknown, permission: Parameters<typeof can>[1]) => {
      if (!can(actor.role, permission)) throw new ForbiddenError();
      return { user: { id: actor.userId, email: "x@acme.test", name: null, platformRole: null }, role: actor.role };
    },
  };
});

let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "settings-routes-"));
  process.env.DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  const log = console.log;
  console.log = () => undefined;
  try {
    const { prepareDatabase } = await import("@/lib/tenancy/startup");
    await prepareDatabase();
  } finally {
    console.log = log;
  }
  const { controlDb } = await import("@/lib/db/control");
  actor.userId = (await (await controlDb()).user.findUniqueOrThrow({ where: { email: "alice@acme.test" } })).id;
}, 120_000);

afterAll(async () => {
  const { resetDatabaseClients } = await import("@/lib/db/reset");
  await resetDatabaseClients();
  rmSync(dataDir, { recursive: true, force: true });
});

type Handler = (request: NextRequest, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function call(
  handler: Handler,
  method: string,
  path: string,
  options: {
    json?: unknown;
    body?: BodyInit;
    type?: string;
    params?: Record<string, string>;
    ip?: string;
    key?: string;
  } = {},
): Promise<{ status: number; type: string | null; body: Record<string, unknown> | null }> {
  const headers = new Headers({
    host: "acme.localhost:3000",
    origin: "http://acme.localhost:3000",
    "x-tenant-slug": "acme",
    "x-forwarded-for": options.ip ?? "203.0.113.50",
  });
  if (options.key) headers.set("authorization", `Bearer ${options.key}`);
  let body = options.body;
  if (options.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(options.json);
  } else if (options.type) headers.set("content-type", options.type);
  requestHeaders.current = headers;
  const response = await handler(new NextRequest(`http://localhost:3000${path}`, { method, headers, body }), {
    params: Promise.resolve(options.params ?? {}),
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get("content-type"), body: text ? JSON.parse(text) : null };
}

const fields = (body: Record<string, unknown> | null) =>
  ((body?.errors ?? []) as { field: string }[]).map((e) => e.field);

describe("settings routes", () => {
  it("owners and admins read and change settings; members and viewers are refused", async () => {
    const settings = (await import("@/app/api/v1/tenant/settings/route")) as unknown as Record<string, Handler>;
    for (const role of ["member", "viewer"] as const) {
      actor.role = role;
      expect((await call(settings.GET, "GET", "/api/v1/tenant/settings")).status).toBe(403);
      const put = await call(settings.PUT, "PUT", "/api/v1/tenant/settings", { json: { name: "Hijacked" } });
      expect(put).toMatchObject({ status: 403, type: "application/problem+json" });
    }
    actor.role = "admin";
    const saved = await call(settings.PUT, "PUT", "/api/v1/tenant/settings", { json: { city: "Metropolis" } });
    expect(saved.status).toBe(200);
    expect((saved.body?.general as Record<string, unknown>).city).toBe("Metropolis");
    actor.role = "owner";
    expect((await call(settings.GET, "GET", "/api/v1/tenant/settings")).status).toBe(200);
  });

  it("answers bad input with 422 problem+json naming the field, never a 500", async () => {
    const settings = (await import("@/app/api/v1/tenant/settings/route")) as unknown as Record<string, Handler>;
    const branding = (await import("@/app/api/v1/tenant/settings/branding/route")) as unknown as Record<
      string,
      Handler
    >;
    const security = (await import("@/app/api/v1/tenant/settings/security/route")) as unknown as Record<
      string,
      Handler
    >;
    const cases: [Handler, string, unknown, string[]][] = [
      [settings.PUT, "/api/v1/tenant/settings", { timezone: "Europe/Atlantis" }, ["timezone"]],
      [settings.PUT, "/api/v1/tenant/settings", { currency: "EURO" }, ["currency"]],
      [settings.PUT, "/api/v1/tenant/settings", [1, 2], ["(body)"]],
      [branding.PUT, "/api/v1/tenant/settings/branding", { secondaryColor: "#GGGGGG" }, ["secondaryColor"]],
      [
        security.PUT,
        "/api/v1/tenant/settings/security",
        { ipAllowList: ["192.168.1.0/24", "192.168.1.0/99"] },
        ["ipAllowList.1"],
      ],
    ];
    for (const [handler, path, json, expected] of cases) {
      const result = await call(handler, "PUT", path, { json });
      expect(result.status, JSON.stringify(json)).toBe(422);
      expect(result.type).toBe("application/problem+json");
      expect(fields(result.body)).toEqual(expected);
    }
    const notJson = await call(settings.PUT, "PUT", "/api/v1/tenant/settings", { body: "{", type: "application/json" });
    expect(notJson).toMatchObject({ status: 422 });
    expect(fields(notJson.body)).toEqual(["(body)"]);
  });

  it("the lockout check uses the caller's address as the proxy sees it", async () => {
    const security = (await import("@/app/api/v1/tenant/settings/security/route")) as unknown as Record<
      string,
      Handler
    >;
    const refused = await call(security.PUT, "PUT", "/api/v1/tenant/settings/security", {
      json: { ipAllowList: ["192.0.2.0/24"] },
      ip: "203.0.113.50",
    });
    expect(refused.status).toBe(422);
    expect(String((refused.body?.errors as { message: string }[])[0].message)).toContain("203.0.113.50");
    const allowed = await call(security.PUT, "PUT", "/api/v1/tenant/settings/security", {
      json: { ipAllowList: ["192.0.2.0/24"] },
      ip: "192.0.2.7",
    });
    expect(allowed.status).toBe(200);
    const cleared = await call(security.PUT, "PUT", "/api/v1/tenant/settings/security", {
      json: { ipAllowList: [] },
      ip: "192.0.2.7",
    });
    expect((cleared.body?.security as { ipAllowList: string[] }).ipAllowList).toEqual([]);
  });

  it("uploads as multipart or raw body, refuses bad files naming `file`, and deletes", async () => {
    const files = (await import("@/app/api/v1/tenant/settings/branding/[asset]/route")) as unknown as Record<
      string,
      Handler
    >;
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const form = new FormData();
    form.append("file", new Blob([png], { type: "image/png" }), "logo.png");
    const multipart = await call(files.POST, "POST", "/api/v1/tenant/settings/branding/logo", {
      body: form,
      params: { asset: "logo" },
    });
    expect(multipart).toMatchObject({ status: 201, body: { kind: "logo", contentType: "image/png", sizeBytes: 12 } });
    const raw = await call(files.POST, "POST", "/api/v1/tenant/settings/branding/logo-dark", {
      body: png,
      type: "application/octet-stream",
      params: { asset: "logo-dark" },
    });
    expect(raw).toMatchObject({ status: 201, body: { kind: "logo_dark" } });
    const html = await call(files.POST, "POST", "/api/v1/tenant/settings/branding/favicon", {
      body: new TextEncoder().encode("<html><script>alert(1)</script></html>"),
      type: "image/png",
      params: { asset: "favicon" },
    });
    expect(html).toMatchObject({ status: 422 });
    expect(fields(html.body)).toEqual(["file"]);
    const huge = await call(files.POST, "POST", "/api/v1/tenant/settings/branding/logo", {
      body: new Uint8Array(2 * 1024 * 1024),
      type: "image/png",
      params: { asset: "logo" },
    });
    expect(fields(huge.body)).toEqual(["file"]);
    expect(
      (await call(files.POST, "POST", "/x", { body: png, type: "image/png", params: { asset: "banner" } })).status,
    ).toBe(404);
    expect((await call(files.DELETE, "DELETE", "/x", { params: { asset: "logo" } })).status).toBe(204);
    expect((await call(files.DELETE, "DELETE", "/x", { params: { asset: "logo" } })).status).toBe(404);
    expect((await call(files.DELETE, "DELETE", "/x", { params: { asset: "logo-dark" } })).status).toBe(204);
  });

  it("API keys cannot change settings (they act as members)", async () => {
    const { createApiKey } = await import("@/lib/auth/api-keys");
    const { findActiveTenantBySlug } = await import("@/lib/tenancy/tenants");
    const acme = (await findActiveTenantBySlug("acme"))!;
    const key = await createApiKey({ tenantId: acme.id, name: "settings-test", createdById: actor.userId });
    const settings = (await import("@/app/api/v1/tenant/settings/route")) as unknown as Record<string, Handler>;
    const result = await call(settings.PUT, "PUT", "/api/v1/tenant/settings", {
      json: { name: "Via key" },
      key: key.secret,
    });
    expect(result.status).toBe(403);
  });
});
