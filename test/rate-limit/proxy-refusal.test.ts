import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimitedError } from "@/lib/http/errors";
import { MemoryRateLimiter } from "@/lib/rate-limit/limiter";
import { credentialKey, enforceRateLimit } from "@/lib/rate-limit/rate-limit";
import { standingOf } from "@/lib/rate-limit/request-gate";
import { CREDENTIAL_KEY_HEADER } from "@/lib/tenancy/proxy-headers";

/**
 * proxy.ts (real, over a PGlite control plane with the demo tenants) hands the route the
 * credential key of the request as it arrived — the key under which the route's rate limit
 * remembers a refusal and by which the request gate answers the next calls. A client cannot
 * choose it: an incoming x-tenant-credential-key is replaced.
 */

type Proxy = typeof import("../../proxy");
let proxy: Proxy["proxy"];
let dataDir: string;
const ACME = "a0000000-0000-4000-8000-00000000ac3e";

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "proxy-refusal-test-"));
  process.env.DATA_DIR = dataDir;
  process.env.ROOT_DOMAIN = "localhost:3000";
  delete process.env.DATABASE_URL;
  const { prepareDatabase } = await import("@/lib/tenancy/startup");
  await prepareDatabase();
  ({ proxy } = await import("../../proxy"));
}, 120_000);

afterAll(async () => {
  const { resetDatabaseClients } = await import("@/lib/db/reset");
  await resetDatabaseClients();
  rmSync(dataDir, { recursive: true, force: true });
});

const call = (host: string, headers: Record<string, string>) =>
  proxy(new NextRequest("http://127.0.0.1:3000/api/v1/customers", { headers: { host, ...headers } }));

/** The request headers proxy.ts passes on to the route (NextResponse.next({ request: { headers } })). */
const forwarded = (response: Response, name: string) => response.headers.get(`x-middleware-request-${name}`);

describe("proxy.ts and the rate limit", () => {
  it("passes the credential key of the request as it arrived to the route; a forged one is replaced", async () => {
    const authorization = `Bearer lak_${randomUUID()}`;
    const expected = credentialKey(new Headers({ host: "acme.localhost:3000", authorization }));
    const passed = await call("acme.localhost:3000", { authorization, "x-tenant-credential-key": "forged" });
    expect(passed.headers.get("x-middleware-next")).toBe("1");
    expect(forwarded(passed, CREDENTIAL_KEY_HEADER)).toBe(expected);

    // No credential, no key: whatever the client sent is gone.
    const anonymous = await call("acme.localhost:3000", { "x-tenant-credential-key": "forged" });
    expect(forwarded(anonymous, CREDENTIAL_KEY_HEADER)).toBeNull();
  });

  it("the key the proxy hands on is the one a refusal is remembered under, which the request gate reads", async () => {
    const authorization = `Bearer lak_${randomUUID()}`;
    const passed = await call("acme.localhost:3000", { authorization });
    const credential = forwarded(passed, CREDENTIAL_KEY_HEADER);
    const subject = { tenantId: ACME, tier: "free", apiKeyId: randomUUID(), credential };
    const limiter = new MemoryRateLimiter();
    for (let i = 0; i < 10; i++) await enforceRateLimit(subject, { limiter });
    await expect(enforceRateLimit(subject, { limiter })).rejects.toBeInstanceOf(RateLimitedError);

    const standing = standingOf("/api/v1/customers", { host: "acme.localhost:3000", authorization });
    expect(standing.kind).toBe("refused");
    // The same credential on another workspace's host is another credential.
    expect(standingOf("/api/v1/customers", { host: "globex.localhost:3000", authorization }).kind).toBe("clear");
  });
});
