import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encode } from "next-auth/jwt";
import { keepScreenshot } from "./support/browser";
import { expect, test, type Page } from "@playwright/test";

/**
 * Signing in on tenant hosts: sessions belong to one host, custom domains work, the root
 * domain hands a session over to a workspace, suspended workspaces are closed, forged
 * tenant headers are ignored, and one tenant's API key is worthless on another.
 */

const port = Number(process.env.E2E_PORT || 3300);
const root = `localhost:${port}`;
const PASSWORD = "demo-Passw0rd!";

test.afterEach(keepScreenshot);

/** Node's resolver does not know *.localhost: API calls go to 127.0.0.1 with the Host header. */
async function apiGet(page: Page, host: string, path: string, headers: Record<string, string> = {}) {
  return page.request.get(`http://127.0.0.1:${port}${path}`, { headers: { host, ...headers } });
}

async function signIn(page: Page, origin: string, email: string): Promise<void> {
  await page.goto(`${origin}/sign-in`);
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

test("a session made on acme does not open globex", async ({ page }) => {
  await signIn(page, `http://acme.${root}`, "alice@acme.test");
  await expect(page.getByTestId("signed-in-as")).toContainText("alice@acme.test · owner");

  await page.goto(`http://globex.${root}/invoices`);
  // No session here: globex's sign-in form, which returns to the page asked for.
  await expect(page.getByRole("heading", { name: "Sign in to Globex Bookkeeping" })).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toHaveCount(0);
  await expect(page.locator("input[name=next]").first()).toHaveValue("/invoices");
  await expect(page.getByTestId("tenant-name")).toHaveText("Globex Bookkeeping");
});

test("a member of acme cannot sign in to globex", async ({ page }) => {
  await signIn(page, `http://globex.${root}`, "alice@acme.test");
  await expect(page.getByText("This account is not a member of this workspace.")).toBeVisible();
  const api = await apiGet(page, `globex.${root}`, "/api/v1/tenant");
  expect(api.status()).toBe(401);
});

test("a suspended workspace shows the suspended page", async ({ page }) => {
  const response = await page.goto(`http://umbrella.${root}/`);
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading")).toHaveText("Umbrella Ledgers is suspended");
  const api = await apiGet(page, `umbrella.${root}`, "/api/v1/tenant");
  expect(api.status()).toBe(403);
  expect((await api.json()).type).toContain("tenant-suspended");
});

test("forged tenant headers are ignored", async ({ page }) => {
  // The proxy strips incoming x-tenant-* headers: globex stays globex, /acme on the root stays a 404.
  await page.setExtraHTTPHeaders({
    "x-tenant-slug": "acme",
    "x-tenant-resolved-id": "a0000000-0000-4000-8000-00000000ac3e",
  });
  await page.goto(`http://globex.${root}/sign-in`);
  await expect(page.getByTestId("tenant-name")).toHaveText("Globex Bookkeeping");
  const direct = await page.goto(`http://${root}/acme`);
  expect(direct?.status()).toBe(404);
  const headerOnPage = await apiGet(page, root, "/", { "x-tenant-id": "acme" });
  expect(headerOnPage.status()).toBe(403);
});

test("the root domain hands the session over to a workspace", async ({ page }) => {
  await signIn(page, `http://${root}`, "dave@example.test");
  await expect(page).toHaveURL(`http://${root}/workspaces`);
  const list = page.getByTestId("workspace-list");
  await expect(list).toContainText("Acme Accounting");
  await expect(list).toContainText("Globex Bookkeeping");
  await list.locator("li", { hasText: "Acme Accounting" }).getByRole("button", { name: "Open" }).click();
  await expect(page).toHaveURL(new RegExp(`^http://acme\\.${root}/auth/handoff`));
  await page.getByRole("button", { name: "Continue to Acme Accounting" }).click();
  await expect(page).toHaveURL(`http://acme.${root}/`);
  await expect(page.getByTestId("signed-in-as")).toContainText("dave@example.test · member");
  // A member of two workspaces gets the switcher.
  await expect(page.getByTestId("tenant-switcher")).toBeVisible();
});

test("an API key of acme is refused on globex", async ({ page }) => {
  await signIn(page, `http://acme.${root}`, "alice@acme.test");
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
  await page.goto(`http://acme.${root}/settings/api-keys`);
  await page.getByLabel("Key name").fill("e2e");
  await page.getByRole("button", { name: "Create API key" }).click();
  const key = (await page.getByTestId("new-api-key").locator("code").innerText()).trim();
  expect(key).toMatch(/^lak_/);

  const own = await apiGet(page, `acme.${root}`, "/api/v1/tenant", { authorization: `Bearer ${key}` });
  expect(own.status()).toBe(200);
  expect((await own.json()).slug).toBe("acme");
  const other = await apiGet(page, `globex.${root}`, "/api/v1/tenant", { authorization: `Bearer ${key}` });
  expect(other.status()).toBe(401);
  const viaHeader = await apiGet(page, root, "/api/v1/tenant", {
    authorization: `Bearer ${key}`,
    "x-tenant-id": "globex",
  });
  expect(viaHeader.status()).toBe(403);
});

test("ten wrong passwords lock the account for a while, even for the right one", async ({ page, context }) => {
  // A fresh account of its own: locking a demo user would lock it for every other spec for
  // the next 15 minutes.
  const slug = `lock${Date.now().toString(36)}`;
  const email = `owner@${slug}.test`;
  await page.goto(`http://${root}/signup`);
  await page.getByLabel("Company name").fill("Lockout Test");
  await page.getByLabel("Workspace address").fill(slug);
  await expect(page.getByTestId("slug-status")).toContainText("is available");
  await page.getByLabel("Your name").fill("Locked Owner");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel("Plan").selectOption("free");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByTestId("provisioning-progress")).toHaveAttribute("data-status", "active", { timeout: 60_000 });
  await context.clearCookies();

  await page.goto(`http://${slug}.${root}/sign-in`);
  const password = page.getByLabel("Password", { exact: true });
  const submit = page.getByRole("button", { name: "Sign in", exact: true });
  for (let attempt = 1; attempt <= 10; attempt++) {
    await page.getByLabel("E-mail", { exact: true }).fill(email);
    await password.fill(`wrong-${attempt}`);
    await submit.click();
    // The answer has arrived once the form is reset (React empties it after the action).
    await expect(password).toHaveValue("");
    await expect(submit).toBeEnabled();
    await expect(page.getByText("Wrong e-mail or password.")).toBeVisible();
  }
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText("Too many attempts. Wait a few minutes and try again.")).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toHaveCount(0);
});

test("a session older than the workspace's session timeout is no session", async ({ page, context }) => {
  await signIn(page, `http://acme.${root}`, "alice@acme.test");
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
  const session = await page.evaluate(() => fetch("/api/auth/session").then((r) => r.json()));
  const secret = readFileSync(join(process.env.E2E_DATA_ROOT ?? "", "data", "auth-secret"), "utf8").trim();
  const cookieName = "authjs.session-token";
  const tokenSignedInAgo = (minutes: number) =>
    encode({
      salt: cookieName,
      secret,
      token: {
        sub: session.user.id,
        uid: session.user.id,
        email: session.user.email,
        name: session.user.name,
        scope: session.scope,
        platformRole: null,
        authTime: Math.floor(Date.now() / 1000) - minutes * 60,
      },
    });
  const useToken = async (value: string) => {
    await context.clearCookies();
    await context.addCookies([
      { name: cookieName, value, url: `http://acme.${root}`, httpOnly: true, sameSite: "Lax" },
    ]);
  };

  // acme's timeout is the default 60 minutes: 59 minutes after sign-in the session holds…
  await useToken(await tokenSignedInAgo(59));
  await page.goto(`http://acme.${root}/`);
  await expect(page.getByTestId("signed-in-as")).toContainText("alice@acme.test");
  // …61 minutes after, it does not.
  await useToken(await tokenSignedInAgo(61));
  await page.goto(`http://acme.${root}/`);
  await expect(page.getByRole("heading", { name: "Sign in to Acme Accounting" })).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toHaveCount(0);
});
