import "server-only";
import { getCustomer, listCustomers } from "@/lib/accounting/customers";
import { NotFoundError } from "@/lib/http/errors";
import type { PageScope } from "./page-scope";

/** Customer choices for selects (the first 100 by name). */
export async function customerOptions(scope: PageScope): Promise<{ id: string; name: string }[]> {
  const page = await scope.run(() => listCustomers({ limit: 100, sort: "name" }));
  return page.data.map((c) => ({ id: c.id, name: c.name }));
}

/** Names of the given customers (for list columns). */
export async function customerNames(scope: PageScope, ids: (string | null)[]): Promise<Map<string, string>> {
  const names = new Map((await customerOptions(scope)).map((c) => [c.id, c.name] as const));
  const missing = [...new Set(ids.filter((id): id is string => !!id && !names.has(id)))];
  for (const id of missing) {
    try {
      names.set(id, (await scope.run(() => getCustomer(id))).name);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  return names;
}
