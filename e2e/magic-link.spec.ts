import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { keepScreenshot } from "./support/browser";
import { expect, test } from "@playwright/test";

/** Without SMTP settings, mail lands in the outbox (DATA_DIR/outbox) a developer can open. */

const port = Number(process.env.E2E_PORT || 3300);
const outbox = join(process.env.E2E_DATA_ROOT ?? "", "data", "outbox");

test.afterEach(keepScreenshot);

function mailsTo(address: string): Array<{ to: string; subject: string; text: string }> {
  if (!existsSync(outbox)) return [];
  return readdirSync(outbox)
    .sort()
    .map((file) => JSON.parse(readFileSync(join(outbox, file), "utf8")))
    .filter((mail) => mail.to === address);
}

test("a magic link from the outbox signs bob in to globex, once", async ({ page }) => {
  await page.goto(`http://globex.localhost:${port}/sign-in`);
  await page.getByLabel("E-mail for the link").fill("bob@globex.test");
  await page.getByRole("button", { name: "E-mail me a link" }).click();
  await expect(page.getByRole("status")).toContainText("a sign-in link is on its way");

  await expect.poll(() => mailsTo("bob@globex.test").length).toBeGreaterThan(0);
  const mail = mailsTo("bob@globex.test").at(-1)!;
  expect(mail.subject).toBe("Your sign-in link for Globex Bookkeeping");
  const link = /http:\/\/\S+\/auth\/magic\?token=\S+/.exec(mail.text)?.[0];
  expect(link).toBeTruthy();
  expect(new URL(link!).host).toBe(`globex.localhost:${port}`);

  await page.goto(link!);
  await page.getByRole("button", { name: "Continue to sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText("bob@globex.test · owner");

  // The same link a second time is refused.
  await page.context().clearCookies();
  await page.goto(link!);
  await page.getByRole("button", { name: "Continue to sign in" }).click();
  await expect(page).toHaveURL(/\/sign-in\?error=handoff/);
});

test("no link is mailed for an address that is not a member", async ({ page }) => {
  await page.goto(`http://globex.localhost:${port}/sign-in`);
  await page.getByLabel("E-mail for the link").fill("alice@acme.test");
  await page.getByRole("button", { name: "E-mail me a link" }).click();
  // The answer does not tell whether the account exists.
  await expect(page.getByRole("status")).toContainText("a sign-in link is on its way");
  await page.waitForTimeout(500);
  expect(mailsTo("alice@acme.test").filter((m) => m.subject.includes("Globex"))).toHaveLength(0);
});
