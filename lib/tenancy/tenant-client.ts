import { mainConnection } from "@/lib/db/connection";
import { adapterFor } from "@/lib/db/prisma";
import { PrismaClient } from "@/lib/generated/tenant/client";

/**
 * The UNSCOPED tenant-plane client over the shared tables. It sees every tenant's rows,
 * so nothing outside lib/tenancy/ may import it (ESLint enforces this); application code
 * reaches tenant data through the scoped client of the tenant context instead.
 */
export type TenantPlaneClient = PrismaClient;

const KEY = Symbol.for("logiaccounting.tenant-plane-client");
type Holder = { [KEY]?: Promise<TenantPlaneClient> };

export function sharedTenantPlane(): Promise<TenantPlaneClient> {
  const holder = globalThis as Holder;
  holder[KEY] ??= mainConnection().then((connection) => new PrismaClient({ adapter: adapterFor(connection) }));
  return holder[KEY];
}
