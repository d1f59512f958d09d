/**
 * Runs once per server process, before the first request is served: in embedded mode the
 * database is migrated and the demo tenants are created here (lib/tenancy/startup.ts); the
 * request gate that server.mjs consults is installed (lib/rate-limit/request-gate.ts).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { installRequestGate } = await import("./lib/rate-limit/request-gate");
  installRequestGate();
  const { prepareDatabase } = await import("./lib/tenancy/startup");
  await prepareDatabase();
}
