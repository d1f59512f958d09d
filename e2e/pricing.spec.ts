import { expect, test } from "@playwright/test";
import { keepScreenshot } from "./support/browser";

/** The pricing page on the root domain and a workspace's features page. */

const port = Number(process.env.E2E_PORT || 3300);
const root = `http://localhost:${port}`;
const PASSWORD = "demo-Passw0rd!";

test.afterEach(keepScreenshot);

test("the pricing page lists every plan with its prices, the quotas of 16.3 and the features of 16.4", async ({
  page,
}) => {
  await page.goto(`${root}/pricing`);
  const plans = page.getByTestId("pricing-plan");
  await expect(plans).toHaveCount(5);
  await expect(page.locator('[data-plan="standard"] [data-testid="plan-price"]')).toContainText("$29");
  await expect(page.locator('[data-plan="standard"] [data-testid="plan-price"]')).toContainText("/ month");
  const enterprise = page.locator('[data-testid="pricing-plan"][data-plan="enterprise"]');
  await expect(enterprise.getByRole("link", { name: "Contact sales" })).toHaveAttribute("href", /^mailto:/);

  const table = page.getByTestId("plan-comparison");
  await expect(table.locator('tr[data-row="users"] td')).toHaveText(["2", "5", "15", "50", "Unlimited"]);
  await expect(table.locator('tr[data-row="apiCallsPerMonth"] td')).toHaveText([
    "1,000",
    "10,000",
    "50,000",
    "200,000",
    "Unlimited",
  ]);
  await expect(table.locator('tr[data-row="dedicated_db"] td')).toHaveText([
    "—Not included",
    "—Not included",
    "—Not included",
    "—Not included",
    "✓Included",
  ]);

  await page.getByRole("link", { name: "Yearly" }).click();
  await expect(page.locator('[data-plan="standard"] [data-testid="plan-price"]')).toContainText("$290");
  await expect(page.locator('[data-plan="standard"] [data-testid="plan-price"]')).toContainText("/ year");
});

test("a plan's button on the pricing page preselects that plan at signup", async ({ page }) => {
  await page.goto(`${root}/pricing`);
  await page.getByRole("link", { name: "Start with Professional" }).click();
  await expect(page).toHaveURL(/\/signup\?plan=professional$/);
  await expect(page.locator('select[name="plan"]')).toHaveValue("professional");
});

test("a workspace's features page shows what it has and which plan adds the rest", async ({ page }) => {
  const acme = `http://acme.localhost:${port}`;
  await page.goto(`${acme}/sign-in`);
  await page.getByLabel("E-mail", { exact: true }).fill("alice@acme.test");
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("link", { name: "Features", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Features", exact: true })).toBeVisible();
  const list = page.getByTestId("tenant-features");
  await expect(list.locator('[data-feature="projects"]')).toHaveAttribute("data-enabled", "true");
  await expect(list.locator('[data-feature="audit"]')).toHaveAttribute("data-enabled", "false");
  await expect(list.locator('[data-feature="audit"]')).toContainText("Comes with the Business plan and above");
  const additions = page.getByTestId("plan-additions");
  await expect(additions.locator('[data-plan="professional"]')).toHaveAttribute("aria-current", "true");
  await expect(additions.locator('[data-plan="business"]')).toContainText("Audit trail");
});
