/**
 * Runs once per server process, before the first request is served: in embedded mode the
 * database is migrated and the demo tenants are created here (lib/tenancy/startup.ts); the
 * request gate that server.mjs consults is installed (lib/rate-limit/request-gate.ts); the
 * Redis connections (REDIS_URL) are opened; the webhook dispatcher starts.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { installRequestGate } = await import("./lib/rate-limit/request-gate");
  installRequestGate();
  // Connect to Redis first, not on the first use: the tenant cache and the usage counters
  // do not queue commands while connecting (a request must never wait for Redis), so the
  // seeding below and the first requests would otherwise fall back to the database and to
  // in-process counting. The database work below gives the connections time to open.
  const { tenantDirectory } = await import("./lib/tenancy/directory-instance");
  const { usageCounterStore } = await import("./lib/usage/counters");
  tenantDirectory();
  usageCounterStore();
  const { prepareDatabase } = await import("./lib/tenancy/startup");
  await prepareDatabase();
  // Integrations: this process sends its share of the queued webhook deliveries.
  const { startDispatcher } = await import("./lib/integrations/delivery");
  startDispatcher();
}
