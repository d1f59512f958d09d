import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page, TestInfo } from "@playwright/test";

/**
 * Debian's Chromium (Playwright cannot download its own browsers here), with the flags that
 * keep it from calling out to a network this machine does not have.
 */
export const CHROMIUM_PATH = process.env.E2E_CHROMIUM || "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A full-page screenshot of the test's final page: e2e/screenshots/<test-name>.png. */
export async function keepScreenshot({ page }: { page: Page }, testInfo: TestInfo): Promise<void> {
  const dir = join(testInfo.project.testDir, "screenshots");
  mkdirSync(dir, { recursive: true });
  const name = testInfo.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true }).catch(() => undefined);
}
