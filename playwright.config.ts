import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./e2e/support/browser";

/**
 * End-to-end tests against the production build (`npm run build` first), served by
 * e2e/serve.mjs in embedded mode: no DATABASE_URL, a fresh temporary DATA_DIR (PGlite is
 * migrated and the demo tenants are seeded at start-up), ROOT_DOMAIN=localhost:<port>.
 * `*.localhost` resolves to the loopback address by itself, so acme.localhost:<port> is the
 * acme tenant. Browser: Debian's Chromium (`apt-get install chromium`), since downloading
 * Playwright's own browsers is not possible on these machines.
 */

const port = Number(process.env.E2E_PORT || 3300);
// The server's data directory, shared with the tests so they can read its mail outbox.
process.env.E2E_DATA_ROOT ||= join(tmpdir(), `logi-e2e-${process.pid}`);
const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results/e2e",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: process.env.E2E_JSON_REPORT || "test-results/playwright.json" }]],
  use: {
    browserName: "chromium",
    baseURL,
    screenshot: "on",
    trace: "retain-on-failure",
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
  webServer: {
    command: "node e2e/serve.mjs",
    url: `${baseURL}/`,
    env: { E2E_PORT: String(port), E2E_DATA_ROOT: process.env.E2E_DATA_ROOT },
    // A server already on the port would be some other build or database: refuse it.
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
