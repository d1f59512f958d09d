import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * Unit and database tests (`npm run test:unit`, or all suites with `npm test`).
 * Every database test file opens its own PGlite instance (~3 s, ~800 MB while it lives)
 * and its own PostgreSQL database (TEST_DATABASE_URL), so parallelism is capped at two
 * worker processes for a 2-core, 24 GB machine.
 */
export default defineConfig({
  resolve: {
    alias: [
      // `server-only` throws outside React Server Components; under test it is a no-op.
      { find: /^server-only$/, replacement: `${root}test/support/server-only.ts` },
      { find: /^@\//, replacement: root },
    ],
  },
  test: {
    environment: "node",
    include: ["test/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    fileParallelism: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    // `default` for people, `json` for scripts/test.sh, which sums the counts of all suites.
    reporters: ["default", "json"],
    outputFile: { json: process.env.VITEST_JSON_REPORT || "test-results/vitest.json" },
  },
});
