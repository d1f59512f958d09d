import { closeMainConnection } from "./connection";

/**
 * Closes the process's database connection and forgets every client built on it, so the
 * next use opens the database the environment names now. For tests and scripts that point
 * one process at several databases in turn; the app itself never needs it.
 */
const CLIENT_KEYS = [
  "logiaccounting.control-client",
  "logiaccounting.tenant-plane-client",
  "logiaccounting.scoped-tenant-client",
  "logiaccounting.tenant-directory",
  // Rows kept for a second (lib/tenancy/tenants.ts, lib/auth/api-keys.ts) belong to the old database.
  "logiaccounting.tenant-summaries",
  "logiaccounting.api-key-rows",
];

export async function resetDatabaseClients(): Promise<void> {
  const holder = globalThis as Record<symbol, unknown>;
  // The periodic usage flush (lib/usage/tracker.ts) would reopen the connection with
  // whatever the environment says next, and write counts of the old database's tenants.
  const usage = holder[Symbol.for("logiaccounting.usage-tracker")] as
    { timer?: ReturnType<typeof setInterval>; counters: Map<unknown, unknown>; tenants: Set<unknown> } | undefined;
  if (usage) {
    clearInterval(usage.timer);
    usage.timer = undefined;
    usage.counters.clear();
    usage.tenants.clear();
  }
  // Per-tenant schema clients and database pools (lib/tenancy/isolation/planes.ts) first:
  // they sit on the connection closed below.
  const planesKey = Symbol.for("logiaccounting.tenant-planes");
  const planes = holder[planesKey] as Promise<{ close(): Promise<void> }> | undefined;
  delete holder[planesKey];
  if (planes) await (await planes.catch(() => null))?.close();
  for (const name of CLIENT_KEYS) delete holder[Symbol.for(name)];
  await closeMainConnection();
}
