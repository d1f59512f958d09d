// `npm run migrate`: brings the main database (DATABASE_URL, or embedded PGlite in DATA_DIR)
// to the current version of both planes. Safe to run again and concurrently.
import { migrateMainDatabase } from "@/lib/db/bootstrap";
import { closeMainConnection } from "@/lib/db/connection";

const { control, tenant } = await migrateMainDatabase();
console.log(`control plane at ${control.version} (applied: ${control.applied.join(", ") || "none"})`);
console.log(`tenant plane at ${tenant.version} (applied: ${tenant.applied.join(", ") || "none"})`);
await closeMainConnection();
