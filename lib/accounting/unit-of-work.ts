import { NotFoundError } from "@/lib/http/errors";
import { publishEvents } from "@/lib/integrations/delivery";
import { collectingEvents, type PublishedEvent } from "@/lib/integrations/events";
import { currentTenant } from "@/lib/tenancy/context";
import { tenantTransaction, type ScopedTenantClient } from "@/lib/tenancy/scoped-client";
import { mappingPrismaErrors } from "./errors";
import { requireFeature, type AccountingFeature } from "./features";

export type Db = ScopedTenantClient;

/**
 * One service operation: checks the plan feature, runs `fn` in ONE transaction scoped to
 * the current tenant (so the change and its audit event commit together) and maps Prisma
 * errors — also those of the commit — to domain errors naming the field. Once committed,
 * its events go to the workspace's integrations (lib/integrations).
 */
export async function unitOfWork<T>(
  feature: AccountingFeature,
  entity: string,
  fn: (db: Db) => Promise<T>,
): Promise<T> {
  const tenant = currentTenant();
  requireFeature(tenant, feature);
  return collectingEvents(
    () => mappingPrismaErrors(entity, () => tenantTransaction(fn)),
    (events) => publishCommitted(tenant.id, events),
  );
}

/** The change is committed: failing to queue its events must not turn it into an error. */
async function publishCommitted(tenantId: string, events: PublishedEvent[]): Promise<void> {
  await publishEvents(tenantId, events).catch((error: unknown) =>
    console.error(
      `[webhooks] could not queue ${events.length} event(s) of tenant ${tenantId}:`,
      error instanceof Error ? error.message : error,
    ),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** An id from a URL: anything that is not a uuid is simply not found (never a 500). */
export function requireId(id: unknown, entity: string): string {
  if (!isUuid(id)) throw new NotFoundError(entity);
  return id.toLowerCase();
}

/** `Date` of a `@db.Date` column → `YYYY-MM-DD`. */
export function dateOnly(value: Date): string;
export function dateOnly(value: Date | null): string | null;
export function dateOnly(value: Date | null): string | null {
  return value ? value.toISOString().slice(0, 10) : null;
}

/** `YYYY-MM-DD` → `Date` at UTC midnight. */
export function parseDateOnly(value: string): Date {
  return new Date(`${value}T00:00:00.000Z`);
}

/** The compound primary key of a row of the current tenant. */
export function rowKey(id: string): { tenantId_id: { tenantId: string; id: string } } {
  return { tenantId_id: { tenantId: currentTenant().id, id } };
}
