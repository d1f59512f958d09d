import { spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { expect, test, type APIResponse, type Page } from "@playwright/test";
import { createPostgresDatabase, dropPostgresDatabase } from "../test/support/databases";
import { freePort, startRedisServer, stopRedisServer } from "../test/support/redis";
import { keepScreenshot } from "./support/browser";
import { printLogIfFailed, startOwnServer, type OwnServer } from "./support/own-server";
import { apiBurst, startOfWindow } from "./support/rate-limit";

/**
 * The production server with SERVER_WORKERS=2 (server.mjs → server/front.mjs, decision 0016):
 * a front process and two app workers on a real PostgreSQL database and a real Redis, with
 * the real rate limits. A browser works through the front as through a single server, and a
 * workspace flooding the API is moved to the overflow worker without getting a fresh budget
 * there (the limits live in Redis), while the other workspaces keep being answered.
 */

const PASSWORD = "demo-Passw0rd!";
const FREE_LIMIT = 20;

test.describe.configure({ mode: "serial" });
test.afterEach(keepScreenshot);
test.afterEach(({}, testInfo) => printLogIfFailed(server, testInfo));

let port: number;
let server: OwnServer | undefined;
// A redis-server of this spec's own: the demo workspaces have the same ids on every server,
// so on the run's shared Redis this spec's flood would spend e2e/rate-limit.spec.ts's budget.
let redis: ChildProcess | undefined;
const redisServerInstalled = spawnSync("redis-server", ["--version"]).status === 0;
let database: { name: string; url: string } | undefined;

test.beforeAll(async () => {
  test.skip(
    !process.env.TEST_DATABASE_URL || !redisServerInstalled,
    "needs PostgreSQL (TEST_DATABASE_URL) and redis-server",
  );
  test.setTimeout(240_000);
  port = await freePort();
  const redisPort = await freePort();
  redis = await startRedisServer(redisPort);
  database = await createPostgresDatabase();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    ROOT_DOMAIN: `localhost:${port}`,
    SERVER_WORKERS: "2",
    DATABASE_URL: database.url,
    MIGRATE_ON_START: "1",
    SEED_DEMO: "1",
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    RATE_LIMIT_SCALE: "1",
    AUTH_SECRET: randomBytes(33).toString("base64"),
  };
  for (const name of ["E2E_PID_FILE", "UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN", "HOSTNAME", "DATA_DIR"])
    delete env[name];
  server = await startOwnServer("server.mjs", env, (log) => log.includes("(front of 2 workers)"), {
    name: "server with two workers",
  });
});

test.afterAll(async () => {
  await server?.stop();
  // Both workers are gone with the front: nothing holds a connection to the database.
  if (database) await dropPostgresDatabase(database.name);
  await stopRedisServer(redis);
});

async function signIn(page: Page, tenant: string, email: string): Promise<void> {
  await page.goto(`http://${tenant}.localhost:${port}/sign-in`);
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(email);
}

function apiCalls(page: Page, tenant: string, count: number): Promise<APIResponse[]> {
  return apiBurst(page, `${tenant}.localhost:${port}`, count);
}

test("a browser signs in and works through the front as through a single server", async ({ page }) => {
  await signIn(page, "acme", "alice@acme.test");
  await page.goto(`http://acme.localhost:${port}/invoices`);
  await expect(page.getByRole("heading", { name: "Invoices" })).toBeVisible();
  // The session cookie is the worker's, host-only, passed through untouched.
  const cookies = await page.context().cookies(`http://acme.localhost:${port}`);
  expect(cookies.some((cookie) => cookie.httpOnly && cookie.domain === "acme.localhost")).toBe(true);
});

test("a flooding workspace moves to the overflow worker, keeps its Redis budget, and the others are answered", async ({
  browser,
}) => {
  const globex = await browser.newPage();
  const acme = await browser.newPage();
  await signIn(globex, "globex", "bob@globex.test");
  await signIn(acme, "acme", "alice@acme.test");

  // All in one window: across a window's end the sliding window lets more than the limit pass.
  await startOfWindow(8_000);
  const flood = await apiCalls(globex, "globex", FREE_LIMIT + 15);
  // Exactly the budget passes, wherever each call was served.
  expect(flood.filter((r) => r.status() === 200)).toHaveLength(FREE_LIMIT);
  expect(flood.filter((r) => r.status() === 429)).toHaveLength(15);
  await expect
    .poll(() => server!.log())
    .toContain("[front] globex.localhost keeps hitting its rate limit: served by the overflow worker 1");

  // On the overflow worker the budget is the same one (Redis): still refused, not refilled.
  const afterMove = await apiCalls(globex, "globex", 5);
  expect(afterMove.map((r) => r.status())).toEqual([429, 429, 429, 429, 429]);
  expect((await afterMove[0].json()) as { type: string }).toMatchObject({
    type: "https://logiaccounting.dev/problems/rate-limited",
  });

  // acme, on its own worker, is answered as before.
  const calm = await apiCalls(acme, "acme", 5);
  expect(calm.map((r) => r.status())).toEqual([200, 200, 200, 200, 200]);
  await globex.close();
  await acme.close();
});

test("the platform admin sees the workers and the quarantined workspace on the connections page", async ({ page }) => {
  // The previous test left globex on the overflow worker (for 5 minutes without a 429).
  const root = `localhost:${port}`;
  await page.goto(`http://${root}/sign-in`);
  await page.getByLabel("E-mail", { exact: true }).fill("admin@logiaccounting.test");
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(`http://${root}/workspaces`);
  await page.goto(`http://${root}/admin/connections`);
  // Whichever worker serves the page, the front tells it about both.
  await expect(page.getByText(/This page was served by worker [01]/)).toBeVisible();
  const workers = page.getByTestId("front-workers");
  await expect(workers.getByRole("row")).toHaveCount(3);
  await expect(workers).toContainText("overflow (lower priority)");
  await expect(page.getByTestId("front-quarantined")).toContainText("globex.localhost");
  await expect(page.getByTestId("front-quarantined")).not.toContainText("acme.localhost");
});
