// `npm run seed`: loads the demo tenants and users (idempotent) into the main database.
import { closeMainConnection } from "@/lib/db/connection";
import { prepareDatabase } from "@/lib/tenancy/startup";

await prepareDatabase({ ...process.env, MIGRATE_ON_START: "1", SEED_DEMO: "1" });
await closeMainConnection();
