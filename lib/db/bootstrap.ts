import { mainConnection, type MainConnection } from "./connection";
import { migrate, type MigrationResult } from "./migrations";

/**
 * Brings the main database to the current version: the control plane and the shared
 * tenant-plane tables both live in its "public" schema, each with its own version line.
 */
export async function migrateMainDatabase(
  connection?: MainConnection,
): Promise<{ control: MigrationResult; tenant: MigrationResult }> {
  const { sql } = connection ?? (await mainConnection());
  const control = await migrate({ plane: "control", schema: "public", db: sql });
  const tenant = await migrate({ plane: "tenant", schema: "public", db: sql });
  return { control, tenant };
}
