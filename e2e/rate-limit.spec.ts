import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type APIResponse, type Page } from "@playwright/test";
import { freePort, redisAvailable, testRedis, type TestRedis } from "../test/support/redis";
import { startUpstashBridge, type UpstashBridge } from "../test/support/upstash-bridge";
import { keepScreenshot } from "./support/browser";
import { printLogIfFailed, startOwnServer, type OwnServer } from "./support/own-server";
import { apiBurst, startOfWindow, WINDOW_MS } from "./support/rate-limit";

/**
 * Rate limits over real HTTP, with the real limits: this spec starts its own production
 * server (e2e/serve.mjs, RATE_LIMIT_SCALE=1; the shared e2e server runs with limits ×100)
 * whose limiter talks to a real Redis through the Upstash REST bridge. globex is on the Free
 * plan: 20 requests per 10 s for the whole workspace. When the bridge goes away the server
 * keeps limiting in process (decision 0011).
 */

const PASSWORD = "demo-Passw0rd!";
const FREE_LIMIT = 20;

test.describe.configure({ mode: "serial" });
test.afterEach(keepScreenshot);
test.afterEach(({}, testInfo) => printLogIfFailed(server, testInfo));

let port: number;
let server: OwnServer | undefined;
let redis: TestRedis | undefined;
let bridge: UpstashBridge | undefined;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    E2E_PORT: String(port),
    E2E_DATA_ROOT: mkdtempSync(join(tmpdir(), "logi-e2e-rate-limit-")),
    RATE_LIMIT_SCALE: "1",
  };
  // The harness's pid file belongs to the shared e2e server.
  delete env.E2E_PID_FILE;
  delete env.REDIS_URL;
  if (redisAvailable) {
    redis = await testRedis();
    bridge = await startUpstashBridge(redis.url);
    Object.assign(env, { UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: bridge.token });
  }
  server = await startOwnServer(
    "e2e/serve.mjs",
    env,
    () =>
      fetch(`http://127.0.0.1:${port}/api/health`).then(
        (r) => r.ok,
        () => false,
      ),
    { name: "rate-limit server", timeoutMs: 150_000 },
  );
});

test.afterAll(async () => {
  await server?.stop();
  // The limiter's keys expire by themselves (two windows and a second).
  await bridge?.close();
  await redis?.stop();
});

async function signInToGlobex(page: Page): Promise<void> {
  await page.goto(`http://globex.localhost:${port}/sign-in`);
  await page.getByLabel("E-mail", { exact: true }).fill("bob@globex.test");
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText("bob@globex.test");
}

function flood(page: Page, count: number): Promise<APIResponse[]> {
  return apiBurst(page, `globex.localhost:${port}`, count);
}

function checkBurst(responses: APIResponse[]): void {
  const ok = responses.filter((r) => r.status() === 200);
  const refused = responses.filter((r) => r.status() === 429);
  expect(ok).toHaveLength(FREE_LIMIT);
  expect(refused).toHaveLength(responses.length - FREE_LIMIT);
  // Every answer says how much budget is left; the passing ones count down to 0.
  expect(ok.map((r) => Number(r.headers()["x-ratelimit-remaining"])).sort((a, b) => a - b)).toEqual(
    Array.from({ length: FREE_LIMIT }, (_, i) => i),
  );
  const now = Date.now();
  for (const r of [...ok, ...refused]) {
    expect(r.headers()["x-ratelimit-limit"]).toBe(String(FREE_LIMIT));
    const reset = Number(r.headers()["x-ratelimit-reset"]) * 1000;
    expect(reset).toBeGreaterThan(now - 1000);
    expect(reset).toBeLessThanOrEqual(now + WINDOW_MS + 1000);
  }
  for (const r of refused) {
    expect(r.headers()["content-type"]).toBe("application/problem+json");
    expect(r.headers()["x-ratelimit-remaining"]).toBe("0");
    const retryAfter = Number(r.headers()["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
  }
}

test("a Free workspace gets 20 API calls per 10 s; the 21st is a 429 with Retry-After and X-RateLimit-*", async ({
  page,
}) => {
  await signInToGlobex(page);
  await startOfWindow(6_000);
  const responses = await flood(page, FREE_LIMIT + 6);
  checkBurst(responses);
  const problem = await responses.find((r) => r.status() === 429)!.json();
  expect(problem).toMatchObject({
    type: "https://logiaccounting.dev/problems/rate-limited",
    status: 429,
    scope: "tenant",
    limit: FREE_LIMIT,
  });
  if (redis) {
    // The counts are in Redis (through the REST bridge), where every server process sees them.
    expect(await redis.admin.keys("logi:rl:*tenant:*")).not.toHaveLength(0);
  }
  // The page itself still works: pages are not API calls.
  await page.goto(`http://globex.localhost:${port}/invoices`);
  await expect(page.getByRole("heading", { name: "Invoices" })).toBeVisible();
});

test("with Redis gone the server keeps answering and limiting, in process, and says so once", async ({ page }) => {
  test.setTimeout(90_000);
  test.skip(!bridge, "needs redis-server (the bridge stands for Upstash)");
  await signInToGlobex(page);
  const outageLines = () =>
    server!
      .log()
      .split("\n")
      .filter((line) => line.includes("[rate-limit]") && line.includes("unreachable"));
  const before = outageLines().length;
  await bridge!.close();
  bridge = undefined;
  // Two windows later nothing counted before (in Redis or, after a slow call, in process) matters.
  await new Promise((resolve) => setTimeout(resolve, 2 * WINDOW_MS - (Date.now() % WINDOW_MS) + 50));
  const started = Date.now();
  const responses = await flood(page, FREE_LIMIT + 6);
  expect(Date.now() - started).toBeLessThan(5_000);
  // Same limits, same answers, now from the in-process limiter.
  checkBurst(responses);
  // Logged when the outage started — once, not per call.
  expect(outageLines()).toHaveLength(before + 1);
});
