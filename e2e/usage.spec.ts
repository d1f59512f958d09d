import { keepScreenshot } from "./support/browser";
import { expect, test, type APIResponse, type Page } from "@playwright/test";

/**
 * The usage page and the invoice quota: bob (owner of globex, Free: 10 invoices a month)
 * creates invoices through the API until the banner warns at 80 %, reads his quotas and
 * history over the API, then reaches the limit — the API answers the quota problem, the
 * invoice form offers the upgrade, and the usage page shows the full bar with the link.
 */

const port = Number(process.env.E2E_PORT || 3300);
const globex = `http://globex.localhost:${port}`;
const PASSWORD = "demo-Passw0rd!";

test.afterEach(keepScreenshot);

async function signIn(page: Page, origin: string, email: string): Promise<void> {
  await page.goto(`${origin}/sign-in`);
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(email);
}

/**
 * An API call with the browser's session. Node cannot resolve *.localhost, so it goes to
 * 127.0.0.1 with globex's Host header and the session cookie. A rate-limit answer (another
 * spec flooding globex) is waited out.
 */
async function api(page: Page, method: "GET" | "POST", path: string, data?: unknown): Promise<APIResponse> {
  const cookie = (await page.context().cookies(globex)).map((c) => `${c.name}=${c.value}`).join("; ");
  const headers: Record<string, string> = { host: `globex.localhost:${port}`, cookie };
  if (method === "POST") Object.assign(headers, { origin: globex, "content-type": "application/json" });
  for (let attempt = 0; ; attempt++) {
    const response = await page.request.fetch(`http://127.0.0.1:${port}${path}`, { method, data, headers });
    const body = response.status() === 429 ? ((await response.json()) as { type?: string }) : null;
    if (!body?.type?.endsWith("/rate-limited") || attempt >= 5) return response;
    await page.waitForTimeout(1000 * Number(response.headers()["retry-after"] ?? 1));
  }
}

interface Quota {
  key: string;
  used: number;
  limit: number | null;
  level: string;
}

test("globex reaches its invoice quota: banner at 80%, the quota problem, the upgrade link", async ({ page }) => {
  await signIn(page, globex, "bob@globex.test");
  const quotas = async () =>
    ((await (await api(page, "GET", "/api/v1/tenant/quotas")).json()) as { data: Quota[] }).data;
  const start = (await quotas()).find((q) => q.key === "invoices")!;
  expect(start.limit).toBe(10);

  const customer = await api(page, "POST", "/api/v1/customers", { name: `Usage E2E ${Date.now()}` });
  expect(customer.status()).toBe(201);
  const customerId = ((await customer.json()) as { id: string }).id;
  const invoice = () =>
    api(page, "POST", "/api/v1/invoices", {
      customerId,
      lines: [{ description: "Bookkeeping", quantity: 1, unitPriceMinor: 5000 }],
    });

  // Up to 8 of 10: the tenant admin sees the warning banner.
  for (let i = start.used; i < 8; i++) expect((await invoice()).status()).toBe(201);
  expect((await quotas()).find((q) => q.key === "invoices")).toMatchObject({ used: 8, limit: 10, level: "warning" });
  await page.goto(`${globex}/`);
  await expect(page.getByTestId("quota-banner")).toContainText("invoices per month (80%)");

  // History over the API: validated, and the current period holds the 8.
  const history = await api(page, "GET", "/api/v1/tenant/usage/history?metric=invoices&periods=3");
  expect(history.status()).toBe(200);
  const points = ((await history.json()) as { data: { points: { value: number }[] }[] }).data[0].points;
  expect(points).toHaveLength(3);
  expect(points[2].value).toBe(8);
  const bad = await api(page, "GET", "/api/v1/tenant/usage/history?periods=13");
  expect(bad.status()).toBe(422);
  expect(bad.headers()["content-type"]).toContain("application/problem+json");
  expect(((await bad.json()) as { errors: { field: string }[] }).errors[0].field).toBe("periods");

  // 9 and 10 pass; the 11th is the quota problem naming the quota, its limit and the usage.
  expect((await invoice()).status()).toBe(201);
  expect((await invoice()).status()).toBe(201);
  const refused = await invoice();
  expect(refused.status()).toBe(403);
  expect(refused.headers()["content-type"]).toContain("application/problem+json");
  expect(await refused.json()).toMatchObject({
    type: "https://logiaccounting.dev/problems/quota-exceeded",
    quota: "invoices",
    limit: 10,
    used: 10,
    upgradeUrl: `http://localhost:${port}/pricing`,
  });

  // The invoice form shows the problem with the upgrade link.
  await page.goto(`${globex}/invoices/new?customerId=${customerId}`);
  await page.getByLabel("Line 1 description").fill("One too many");
  await page.getByLabel("Line 1 quantity").fill("1");
  await page.getByLabel("Line 1 unit price").fill("10");
  await page.getByRole("button", { name: "Create invoice" }).click();
  await expect(page.getByTestId("form-message")).toContainText("allows 10 invoices this month");
  await expect(page.getByTestId("form-upgrade-link")).toHaveAttribute("href", `http://localhost:${port}/pricing`);

  // The usage page: a full red bar for invoices, unlimited-free bars for the rest, charts, the upgrade link.
  await page.getByRole("navigation").getByRole("link", { name: "Usage" }).click();
  await expect(page).toHaveURL(`${globex}/usage`);
  await expect(page.getByTestId("quota-invoices")).toHaveAttribute("data-level", "exceeded");
  await expect(page.getByTestId("quota-invoices")).toContainText("10 of 10");
  await expect(page.getByTestId("quota-users")).toContainText("of 2");
  await expect(page.getByTestId("at-limit")).toContainText("Invoices per month");
  await expect(page.getByTestId("upgrade-link")).toHaveAttribute("href", `http://localhost:${port}/pricing`);
  await expect(page.getByTestId("usage-chart-invoices").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByTestId("quota-banner")).toContainText("A limit of your plan is reached");
});
