import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { MainConnection } from "./connection";

/**
 * The Prisma driver adapter for the process's main connection. Several Prisma clients
 * (control plane, tenant plane) share the one pool / PGlite instance through it.
 */
export function adapterFor(connection: MainConnection, schema?: string): SqlDriverAdapterFactory {
  if (connection.mode === "server") return new PrismaPg(connection.pool, schema ? { schema } : undefined);
  return new PrismaPGlite(connection.pglite);
}
