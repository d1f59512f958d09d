import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimitedError } from "@/lib/http/errors";
import { MemoryRateLimiter } from "@/lib/rate-limit/limiter";
import { credentialKey, enforceRateLimit } from "@/lib/rate-limit/rate-limit";

/**
 * proxy.ts (real, over a PGlite control plane with the demo tenants) answers a credential
 * that the rate limit refused moments ago with the same 429 itself, before any route runs;
 * other credentials and other workspaces pass through as before.
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

const call = (host: string, authorization: string) =>
  proxy(new NextRequest("http://127.0.0.1:3000/api/v1/customers", { headers: { host, authorization } }));

const passedOn = (response: Response) => response.headers.get("x-middleware-next") === "1";

describe("proxy.ts and the rate limit", () => {
  it("a refused API key is answered 429 by the proxy until its window ends; others pass", async () => {
    const authorization = `Bearer lak_${randomUUID()}`;
    const credential = credentialKey(new Headers({ authorization }), "acme");
    const subject = { tenantId: ACME, tier: "professional", apiKeyId: randomUUID(), credential };
    const limiter = new MemoryRateLimiter();
    expect(passedOn(await call("acme.localhost:3000", authorization))).toBe(true);

    for (let i = 0; i < 50; i++) await enforceRateLimit(subject, { limiter });
    await expect(enforceRateLimit(subject, { limiter })).rejects.toBeInstanceOf(RateLimitedError);

    const refused = await call("acme.localhost:3000", authorization);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("x-ratelimit-limit")).toBe("50");
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(refused.headers.get("x-ratelimit-scope")).toBe("api_key");
    expect(await refused.json()).toMatchObject({
      status: 429,
      type: "https://logiaccounting.dev/problems/rate-limited",
    });

    expect(passedOn(await call("acme.localhost:3000", `Bearer lak_${randomUUID()}`))).toBe(true);
    expect(passedOn(await call("globex.localhost:3000", authorization))).toBe(true);
  });
});
