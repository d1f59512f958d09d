import { expect, test } from "@playwright/test";
import { keepScreenshot } from "./support/browser";

/**
 * Public signup on the root domain: a newcomer creates a workspace, watches it being
 * provisioned, and is handed into it signed in as its owner.
 */

const port = Number(process.env.E2E_PORT || 3300);
const root = `localhost:${port}`;

test.afterEach(keepScreenshot);

test("a newcomer signs up Wayne Enterprises and lands in the workspace signed in", async ({ page }) => {
  await page.goto(`http://${root}/signup`);
  await page.getByLabel("Company name").fill("Wayne Enterprises");

  // The address is checked live: reserved, taken, then available.
  const slug = page.getByLabel("Workspace address");
  await slug.fill("admin");
  await expect(page.getByTestId("slug-status")).toContainText("reserved");
  await slug.fill("acme");
  await expect(page.getByTestId("slug-status")).toContainText("taken");
  await slug.fill("wayne");
  await expect(page.getByTestId("slug-status")).toContainText("is available");

  await page.getByLabel("Your name").fill("Bruce Wayne");
  await page.getByLabel("E-mail").fill("bruce@wayne.test");
  await page.getByLabel("Password").fill("Gotham-Kn1ght");
  await page.getByLabel("Plan").selectOption("professional");
  await expect(page.getByLabel("Plan").locator("option")).not.toContainText(["Enterprise"]);
  await page.getByRole("button", { name: "Create workspace" }).click();

  // Visible progress: every step listed, all of them done in the end.
  const progress = page.getByTestId("provisioning-progress");
  await expect(progress).toBeVisible();
  await expect(page.getByTestId("provisioning-step")).toHaveCount(10);
  await expect(progress).toHaveAttribute("data-status", "active", { timeout: 30_000 });
  await expect(page.locator('[data-testid=provisioning-step][data-done="true"]')).toHaveCount(10);
  await expect(page.getByRole("heading", { name: "Your workspace is ready" })).toBeVisible();

  await page.getByRole("button", { name: "Open your workspace" }).click();
  await expect(page).toHaveURL(new RegExp(`^http://wayne\\.${root}/auth/handoff`));
  await page.getByRole("button", { name: "Continue to Wayne Enterprises" }).click();

  await expect(page).toHaveURL(new RegExp(`^http://wayne\\.${root}/`));
  await expect(page.getByTestId("signed-in-as")).toContainText("bruce@wayne.test · owner");
});
