import { keepScreenshot } from "./support/browser";
import { expect, test, type Page } from "@playwright/test";

/**
 * The accounting pages: alice (owner of acme, Professional) creates a customer and an
 * invoice with two lines, sends it and marks it paid; bad input shows an error next to its
 * field; globex (Free) has no products, and the page says which plan adds them.
 */

const port = Number(process.env.E2E_PORT || 3300);
const root = `localhost:${port}`;
const acme = `http://acme.${root}`;
const globex = `http://globex.${root}`;
const PASSWORD = "demo-Passw0rd!";

test.afterEach(keepScreenshot);

async function signIn(page: Page, origin: string, email: string): Promise<void> {
  await page.goto(`${origin}/sign-in`);
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(email);
}

test("alice creates a customer and an invoice, sends it and marks it paid", async ({ page }) => {
  await signIn(page, acme, "alice@acme.test");
  const nav = page.getByRole("navigation");
  await expect(nav.getByRole("link", { name: "Products" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Projects" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Audit trail" })).toHaveCount(0);

  // Customer
  await nav.getByRole("link", { name: "Customers" }).click();
  await expect(page).toHaveURL(`${acme}/customers`);
  await page.getByRole("link", { name: "New customer" }).click();
  const customerName = `E2E Customer ${Date.now()}`;
  await page.getByLabel("Name").fill(customerName);
  await page.getByLabel("E-mail").fill("billing@e2e.test");
  await page.getByLabel("Country").fill("us");
  await page.getByRole("button", { name: "Create customer" }).click();
  await expect(page).toHaveURL(new RegExp(`^${acme}/customers/[0-9a-f-]{36}$`));
  await expect(page.getByRole("heading", { name: customerName })).toBeVisible();

  // Invoice with two lines, from the customer's page
  await page.getByRole("link", { name: "New invoice" }).click();
  await expect(page).toHaveURL(new RegExp(`^${acme}/invoices/new\\?customerId=`));
  await page.getByLabel("Line 1 description").fill("Consulting");
  await page.getByLabel("Line 1 quantity").fill("3");
  await page.getByLabel("Line 1 unit price").fill("100");
  await page.getByRole("button", { name: "Add line" }).click();
  await page.getByLabel("Line 2 description").fill("Setup fee");
  await page.getByLabel("Line 2 quantity").fill("1");
  await page.getByLabel("Line 2 unit price").fill("50.25");
  await page.getByLabel("Line 2 tax rate").fill("10");
  // 300.00 + 50.25 + 5.03 tax (10 % of 50.25, rounded half up) = 355.28
  await expect(page.getByTestId("preview-total")).toContainText("355.28");
  await page.getByRole("button", { name: "Create invoice" }).click();
  await expect(page).toHaveURL(new RegExp(`^${acme}/invoices/[0-9a-f-]{36}$`));
  await expect(page.getByTestId("invoice-lines").locator("tbody tr")).toHaveCount(2);
  await expect(page.getByTestId("invoice-total")).toContainText("355.28");
  await expect(page.getByTestId("status")).toHaveText("draft");

  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("status")).toHaveText("sent");
  await page.getByRole("button", { name: "Mark paid" }).click();
  await expect(page.getByTestId("status")).toHaveText("paid");
  await expect(page.getByRole("button", { name: "Void" })).toHaveCount(0);

  // The invoice is listed as paid for this customer.
  await page.getByRole("link", { name: customerName }).click();
  await expect(page.getByRole("row").filter({ hasText: "paid" })).toHaveCount(1);
});

test("bad input shows an error next to the field", async ({ page }) => {
  await signIn(page, acme, "alice@acme.test");
  await page.goto(`${acme}/customers/new`);
  await page.getByLabel("E-mail").fill("not-an-email");
  await page.getByRole("button", { name: "Create customer" }).click();
  await expect(page.locator('[data-field-error="name"]')).toHaveText("Name is required");
  await expect(page.locator('[data-field-error="email"]')).toHaveText("Enter a valid e-mail address");
  // The typed value survives the round trip.
  await expect(page.getByLabel("E-mail")).toHaveValue("not-an-email");

  await page.goto(`${acme}/invoices/new`);
  await page.getByLabel("Customer").selectOption({ index: 1 });
  await page.getByLabel("Issue date").fill("2025-03-10");
  await page.getByLabel("Due date").fill("2025-03-01");
  await page.getByLabel("Line 1 description").fill("Work");
  await page.getByLabel("Line 1 unit price").fill("10");
  await page.getByRole("button", { name: "Create invoice" }).click();
  await expect(page.locator('[data-field-error="dueDate"]')).toContainText("dueDate cannot be before issueDate");
  // The chosen customer and the lines are kept for the correction.
  await expect(page.getByLabel("Customer")).not.toHaveValue("");
  await expect(page.getByLabel("Line 1 description")).toHaveValue("Work");
  await expect(page).toHaveURL(`${acme}/invoices/new`);
});

test("globex on the free plan sees products as locked and has no Products link", async ({ page }) => {
  await signIn(page, globex, "bob@globex.test");
  const nav = page.getByRole("navigation");
  await expect(nav.getByRole("link", { name: "Invoices" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Products" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Projects" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Reports" })).toHaveCount(0);
  await page.goto(`${globex}/products`);
  const locked = page.getByTestId("feature-locked");
  await expect(locked).toContainText("Inventory");
  await expect(locked).toContainText("Standard plan");
  await expect(page.getByTestId("product-table")).toHaveCount(0);
});

test("the dashboard shows paid this month and the monthly chart", async ({ page }) => {
  await signIn(page, acme, "alice@acme.test");
  await expect(page.getByText("Paid this month")).toBeVisible();
  await expect(page.getByTestId("monthly-chart").getByRole("application")).toBeVisible();
  await page.getByRole("navigation").getByRole("link", { name: "Reports" }).click();
  await expect(page.getByTestId("report-figures")).toContainText("Outstanding");
  await expect(page.getByTestId("monthly-chart").getByRole("application")).toBeVisible();
});

test("initech on the business plan reads the audit trail", async ({ page }) => {
  await signIn(page, "http://initech." + root, "carol@initech.test");
  await page.getByRole("navigation").getByRole("link", { name: "Audit trail" }).click();
  await expect(page.getByTestId("audit-table")).toBeVisible();
});
