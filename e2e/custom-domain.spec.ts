import { CHROMIUM_ARGS, CHROMIUM_PATH, keepScreenshot } from "./support/browser";
import { expect, test } from "@playwright/test";

/** A tenant's own domain: Chromium maps app.initech.test to this machine, as DNS would. */

const port = Number(process.env.E2E_PORT || 3300);

test.use({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [
      ...CHROMIUM_ARGS,
      `--host-resolver-rules=MAP app.initech.test:${port} 127.0.0.1:${port}, MAP app.initech.test 127.0.0.1`,
    ],
  },
});

test.afterEach(keepScreenshot);

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
