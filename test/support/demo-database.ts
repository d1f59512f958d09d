import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

/**
 * An embedded database (PGlite in a temporary DATA_DIR) with the demo tenants, as
 * `npm start` prepares it, for the tests of the enclosing describe (or file); closed and
 * removed after them. `moveToNewDatabase()` points the process at a fresh one.
 */
export function withDemoDatabase(name: string): { moveToNewDatabase(): Promise<void> } {
  let dataDir = "";
  const open = async () => {
    dataDir = mkdtempSync(join(tmpdir(), `${name}-`));
    process.env.DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    const { prepareDatabase } = await import("@/lib/tenancy/startup");
    await prepareDatabase();
  };
  const close = async () => {
    const { resetDatabaseClients } = await import("@/lib/db/reset");
    await resetDatabaseClients();
    rmSync(dataDir, { recursive: true, force: true });
  };
  beforeAll(open);
  afterAll(close);
  return {
    async moveToNewDatabase() {
      await close();
      await open();
    },
  };
}
