import { PrismaClient } from "@/lib/generated/control/client";
import { mainConnection } from "./connection";
import { adapterFor } from "./prisma";

/** The control-plane Prisma client (tenants, plans, users, memberships, …), one per process. */
export type ControlClient = PrismaClient;

const KEY = Symbol.for("logiaccounting.control-client");
type Holder = { [KEY]?: Promise<ControlClient> };

export function controlDb(): Promise<ControlClient> {
  const holder = globalThis as Holder;
  holder[KEY] ??= mainConnection().then((connection) => new PrismaClient({ adapter: adapterFor(connection) }));
  return holder[KEY];
}
