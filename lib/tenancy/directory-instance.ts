import { controlDb } from "@/lib/db/control";
import { sharedCacheFromEnv } from "./cache";
import { TenantDirectory } from "./directory";
import { prismaTenantLoader } from "./directory-loader";

/**
 * The process-wide tenant directory over the control-plane database and the shared cache
 * the environment configures (REDIS_URL, or Upstash REST URL + token, or none). Kept on
 * globalThis under a registered symbol, like the database connection, so the proxy and the
 * route handlers — separate bundles in one process — share one cache: an `invalidateTenant`
 * from a settings route clears the entries the proxy reads.
 */
const KEY = Symbol.for("logiaccounting.tenant-directory");
type Holder = { [KEY]?: TenantDirectory };

export function tenantDirectory(): TenantDirectory {
  const holder = globalThis as Holder;
  holder[KEY] ??= new TenantDirectory({
    loader: prismaTenantLoader(controlDb),
    shared: sharedCacheFromEnv(process.env, {
      onConnectionError: (error) => reportRedisConnectionError(error),
    }),
  });
  return holder[KEY];
}

let reportedConnectionError = false;

/** ioredis retries on its own; one line per process says Redis is unreachable, not one per retry. */
function reportRedisConnectionError(error: Error): void {
  if (reportedConnectionError) return;
  reportedConnectionError = true;
  console.warn(`Tenant directory: Redis connection error (${error.message}); lookups fall back to the database`);
}
