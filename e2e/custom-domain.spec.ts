import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";

/** A tenant's own domain: Chromium maps app.initech.test to this machine, as DNS would. */

const port = Number(process.env.E2E_PORT || 3300);

test.use({
  launchOptions: {
    executablePath: process.env.E2E_CHROMIUM || "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--host-resolver-rules=MAP app.initech.test:${port} 127.0.0.1:${port}, MAP app.initech.test 127.0.0.1`,
    ],
  },
});

test.afterEach(async ({ page }, testInfo) => {
  const dir = join(testInfo.project.testDir, "screenshots");
  mkdirSync(dir, { recursive: true });
  const name = testInfo.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true }).catch(() => undefined);
});

test("signing in on initech's custom domain works", async ({ page }) => {
  const origin = `http://app.initech.test:${port}`;
  await page.goto(`${origin}/sign-in`);
  await expect(page.getByTestId("tenant-name")).toHaveText("Initech Finance");
  await page.getByLabel("E-mail", { exact: true }).fill("carol@initech.test");
  await page.getByLabel("Password", { exact: true }).fill("demo-Passw0rd!");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText("carol@initech.test · owner");
  expect(new URL(page.url()).host).toBe(`app.initech.test:${port}`);
});
