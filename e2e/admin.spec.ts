import { keepScreenshot } from "./support/browser";
import { expect, test, type Page } from "@playwright/test";

/**
 * The platform admin's tenant pages and API on the root domain: list, search, suspend
 * (the tenant's host then answers the suspended page), activate, create and delete; and
 * nobody else gets in (a non-admin gets 403 from the API and no admin page, no session 401).
 *
 * Serial within this file. The suspension targets a workspace this spec creates, so specs
 * running in parallel (which use the demo tenants) never meet a suspended globex.
 */

const port = Number(process.env.E2E_PORT || 3300);
const root = `localhost:${port}`;
const PASSWORD = "demo-Passw0rd!";
const ADMIN = "admin@logiaccounting.test";

test.describe.configure({ mode: "serial" });
test.afterEach(keepScreenshot);

async function signInOnRoot(page: Page, email: string): Promise<void> {
  await page.goto(`http://${root}/sign-in`);
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(`http://${root}/workspaces`);
}

test("the platform admin lists, searches, suspends and activates tenants", async ({ page }) => {
  await signInOnRoot(page, ADMIN);
  await page.goto(`http://${root}/admin/tenants`);
  const list = page.getByTestId("tenant-list");
  for (const name of ["Acme Accounting", "Globex Bookkeeping", "Initech Finance", "Umbrella Ledgers"])
    await expect(list).toContainText(name);

  await page.getByLabel("Search").fill("acme");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/search=acme/);
  await expect(list.locator("tbody tr")).toHaveCount(1);
  await expect(list).toContainText("Acme Accounting");
  await expect(list).not.toContainText("Globex Bookkeeping");

  // A workspace of this spec's own, created through the admin API, is suspended with a reason.
  const created = await page.request.post(`http://${root}/api/v1/admin/tenants`, {
    headers: { origin: `http://${root}` },
    data: { name: "Hooli Books", slug: "hooli", tier: "standard", ownerEmail: "owner@hooli.test" },
  });
  expect(created.status()).toBe(201);
  await page.goto(`http://${root}/admin/tenants?search=hooli`);
  await list.getByRole("link", { name: "Hooli Books" }).click();
  await expect(page.getByTestId("tenant-name")).toHaveText("Hooli Books");
  await expect(page.getByTestId("tenant-status")).toHaveText("active");
  await page.getByRole("button", { name: "Suspend", exact: true }).click();
  await page.getByRole("button", { name: "Confirm suspension" }).click();
  await expect(page.getByText("Give a reason for the suspension")).toBeVisible();
  await page.getByLabel("Reason for the suspension").fill("E2E: invoice overdue");
  await page.getByRole("button", { name: "Confirm suspension" }).click();
  await expect(page.getByTestId("tenant-status")).toHaveText("suspended");
  await expect(page.getByTestId("suspended-reason")).toContainText("E2E: invoice overdue");
  await expect(page.getByTestId("tenant-audit")).toContainText("tenant.suspended");
  const adminUrl = page.url();

  const closed = await page.goto(`http://hooli.${root}/`);
  expect(closed?.status()).toBe(403);
  await expect(page.getByRole("heading")).toHaveText("Hooli Books is suspended");

  // Activate it again: back to normal.
  await page.goto(adminUrl);
  await page.getByRole("button", { name: "Activate", exact: true }).click();
  await page.getByRole("button", { name: "Confirm activation" }).click();
  await expect(page.getByTestId("tenant-status")).toHaveText("active");
  await expect(page.getByTestId("tenant-audit")).toContainText("tenant.activated");

  const open = await page.goto(`http://hooli.${root}/`);
  expect(open?.status()).toBe(200);
  await expect(page.getByTestId("tenant-name")).toHaveText("Hooli Books");
});

test("the platform admin creates and deletes a tenant", async ({ page }) => {
  await signInOnRoot(page, ADMIN);
  await page.goto(`http://${root}/admin/tenants/new`);
  await page.getByLabel("Workspace name").fill("E2E Admin Made");
  await page.getByLabel("Slug").fill("acme");
  await page.getByLabel("Owner e-mail").fill("owner@e2e-admin-made.test");
  await page.getByRole("button", { name: "Create tenant" }).click();
  await expect(page.locator("#slug-error")).toBeVisible();

  await page.getByLabel("Slug").fill("e2e-admin-made");
  await page.getByLabel("Plan").selectOption("standard");
  await page.getByRole("button", { name: "Create tenant" }).click();
  await expect(page.getByTestId("tenant-name")).toHaveText("E2E Admin Made", { timeout: 30_000 });
  await expect(page.getByTestId("tenant-status")).toHaveText("active");
  await expect(page.getByTestId("tenant-audit")).toContainText("tenant.created");

  // Edit: moving an active tenant to another isolation level is refused with the reason
  // (suspend first: writes during the copy would be lost); a legal name is saved.
  await page.getByLabel("Legal name").fill("E2E Admin Made GmbH");
  await page.getByLabel("Isolation level").selectOption("database");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Suspend the tenant before moving it between isolation levels")).toBeVisible();
  await page.getByLabel("Isolation level").selectOption("shared_database");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  await page.reload();
  await expect(page.getByLabel("Legal name")).toHaveValue("E2E Admin Made GmbH");
  await expect(page.getByTestId("tenant-audit")).toContainText("tenant.updated");

  const served = await page.goto(`http://e2e-admin-made.${root}/sign-in`);
  expect(served?.status()).toBe(200);

  await page.goBack();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await page.getByRole("button", { name: "Confirm deletion" }).click();
  await expect(page).toHaveURL(`http://${root}/admin/tenants?deleted=1`);
  await expect(page.getByTestId("tenant-list")).not.toContainText("E2E Admin Made");

  const gone = await page.goto(`http://e2e-admin-made.${root}/`);
  expect(gone?.status()).toBe(404);
});

test("the admin API lists, validates and refuses cross-site writes", async ({ page }) => {
  await signInOnRoot(page, ADMIN);
  const api = page.request;
  const list = await api.get(`http://${root}/api/v1/admin/tenants?search=acme`);
  expect(list.status()).toBe(200);
  const body = await list.json();
  expect(body.data.map((t: { slug: string }) => t.slug)).toEqual(["acme"]);
  expect(body).toMatchObject({ page: 1, total: 1, totalPages: 1 });

  const paged = await (await api.get(`http://${root}/api/v1/admin/tenants?pageSize=2&page=1`)).json();
  expect(paged.data).toHaveLength(2);

  const bad = await api.get(`http://${root}/api/v1/admin/tenants?status=frozen`);
  expect(bad.status()).toBe(422);
  expect((await bad.json()).errors[0].field).toBe("status");

  const acmeId = body.data[0].id as string;
  const detail = await api.get(`http://${root}/api/v1/admin/tenants/${acmeId}`);
  expect(detail.status()).toBe(200);
  expect((await detail.json()).owner.email).toBe("alice@acme.test");

  const noReason = await api.post(`http://${root}/api/v1/admin/tenants/${acmeId}/suspend`, {
    data: {},
    headers: { origin: `http://${root}` },
  });
  expect(noReason.status()).toBe(422);
  expect((await noReason.json()).errors.map((e: { field: string }) => e.field)).toEqual(["reason"]);

  const crossSite = await api.post(`http://${root}/api/v1/admin/tenants/${acmeId}/suspend`, {
    data: { reason: "forged" },
    headers: { origin: "http://evil.test" },
  });
  expect(crossSite.status()).toBe(403);

  const level = await api.put(`http://${root}/api/v1/admin/tenants/${acmeId}`, {
    data: { isolationLevel: "schema" },
    headers: { origin: `http://${root}` },
  });
  // Moving an active tenant between levels would lose writes made during the copy.
  expect(level.status()).toBe(409);
  expect((await level.json()).detail).toContain("Suspend the tenant");

  const gauges = await api.get(`http://${root}/api/v1/admin/connections`);
  expect(gauges.status()).toBe(200);
  const report = await gauges.json();
  expect(report.main.mode).toBe("embedded");
  expect(report.tenants.databases.connections).toBeLessThanOrEqual(report.tenants.databases.budget);
  // server.mjs runs the request gate; this very request is one of those in progress.
  expect(report.requestGate.inProgress).toBeGreaterThanOrEqual(1);

  const missing = await api.get(`http://${root}/api/v1/admin/tenants/00000000-0000-4000-8000-000000000000`);
  expect(missing.status()).toBe(404);
});

test("a non-admin gets 403 from the admin API and no admin page", async ({ page }) => {
  const anonymous = await page.request.get(`http://${root}/api/v1/admin/tenants`);
  expect(anonymous.status()).toBe(401);

  await signInOnRoot(page, "alice@acme.test");
  const api = await page.request.get(`http://${root}/api/v1/admin/tenants`);
  expect(api.status()).toBe(403);
  expect((await api.json()).type).toContain("forbidden");
  expect((await page.request.get(`http://${root}/api/v1/admin/connections`)).status()).toBe(403);

  await page.goto(`http://${root}/admin/tenants`);
  await expect(page.getByTestId("admin-forbidden")).toBeVisible();
  await expect(page.getByTestId("tenant-list")).toHaveCount(0);
  await expect(page.getByText("Globex Bookkeeping")).toHaveCount(0);
});

test("the platform admin moves a suspended workspace into a schema of its own, and its data follows", async ({
  page,
  browser,
}) => {
  await signInOnRoot(page, ADMIN);
  const created = await page.request.post(`http://${root}/api/v1/admin/tenants`, {
    headers: { origin: `http://${root}` },
    data: {
      name: "Pied Piper",
      slug: "piedpiper",
      tier: "standard",
      ownerEmail: "richard@piedpiper.test",
      ownerPassword: PASSWORD,
    },
  });
  expect(created.status()).toBe(201);
  const tenant = (await created.json()) as { id: string; isolationLevel: string };
  expect(tenant.isolationLevel).toBe("shared_database");

  // The owner records a customer while the workspace lives in the shared tables.
  const owner = await browser.newPage();
  const workspace = `http://piedpiper.${root}`;
  await owner.goto(`${workspace}/sign-in`);
  await owner.getByLabel("E-mail", { exact: true }).fill("richard@piedpiper.test");
  await owner.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await owner.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(owner.getByTestId("signed-in-as")).toContainText("richard@piedpiper.test");
  await owner.goto(`${workspace}/customers/new`);
  await owner.getByLabel("Name").fill("Hooli XYZ");
  await owner.getByRole("button", { name: "Create customer" }).click();
  await expect(owner.getByRole("heading", { name: "Hooli XYZ" })).toBeVisible();

  // Suspend, move to its own schema in the admin form, activate.
  await page.goto(`http://${root}/admin/tenants/${tenant.id}`);
  await page.getByRole("button", { name: "Suspend", exact: true }).click();
  await page.getByLabel("Reason for the suspension").fill("Moving to its own schema");
  await page.getByRole("button", { name: "Confirm suspension" }).click();
  await expect(page.getByTestId("tenant-status")).toHaveText("suspended");
  await page.getByLabel("Isolation level").selectOption("schema");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  await page.reload();
  await expect(page.getByTestId("tenant-audit")).toContainText("tenant.isolation_moved");
  await expect(page.getByText("schema", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Activate", exact: true }).click();
  await page.getByRole("button", { name: "Confirm activation" }).click();
  await expect(page.getByTestId("tenant-status")).toHaveText("active");

  // The owner finds the customer where it was, now served from the schema.
  await owner.goto(`${workspace}/customers`);
  await expect(owner.getByRole("link", { name: "Hooli XYZ" })).toBeVisible();
  await owner.screenshot({ path: `e2e/screenshots/moved-workspace-keeps-its-customers.png`, fullPage: true });
  await owner.close();
});
