import { z } from "zod";
import { noteEvent } from "@/lib/integrations/events";
import { currentActor } from "@/lib/tenancy/context";
import { FEATURE_FOR_RESOURCE } from "./features";
import { afterCursor, orderByFor, paginationQuery, parseSort, toPage, type Page, type SortSpec } from "./pagination";
import { isUuid, unitOfWork, type Db } from "./unit-of-work";

/** The tenant's audit trail: who changed what, when, with the record before and after. */

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditEventDto {
  id: string;
  actorType: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  createdAt: string;
}

function actorFields(): { actorType: string; actorId: string | null } {
  const actor = currentActor();
  switch (actor.type) {
    case "user":
      return { actorType: "user", actorId: isUuid(actor.userId) ? actor.userId : null };
    case "api_key":
      return { actorType: "api_key", actorId: isUuid(actor.apiKeyId) ? actor.apiKeyId : null };
    default:
      return { actorType: "system", actorId: null };
  }
}

/** JSON-safe copy (Dates → ISO strings, Decimals → strings), or undefined for none. */
function snapshot(value: unknown): object | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(JSON.stringify(value)) as object;
}

/**
 * Writes one audit event with the given transaction's client: it commits with the change.
 * The same action is an event for the workspace's integrations, sent once it has committed.
 */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  const before = snapshot(entry.before);
  const after = snapshot(entry.after);
  noteEvent(entry.action, after ?? before);
  await db.auditEvent.create({
    data: {
      ...actorFields(),
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
    },
  });
}

const AUDIT_SORT: SortSpec<"createdAt"> = { fields: { createdAt: "date" }, default: "-createdAt" };

export const auditListQuery = z.object({
  ...paginationQuery,
  entityType: z.string().trim().max(50).optional(),
  entityId: z.string().trim().max(255).optional(),
  action: z.string().trim().max(100).optional(),
  actorId: z.guid("actorId must be a uuid").optional(),
});
export type AuditListQuery = z.input<typeof auditListQuery>;

type AuditRow = NonNullable<Awaited<ReturnType<Db["auditEvent"]["findFirst"]>>>;

function toDto(row: AuditRow): AuditEventDto {
  return {
    id: row.id,
    actorType: row.actorType,
    actorId: row.actorId,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    before: row.before ?? null,
    after: row.after ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Lists audit events, newest first by default (feature "audit"). */
export function listAuditEvents(input: AuditListQuery = {}): Promise<Page<AuditEventDto>> {
  return unitOfWork(FEATURE_FOR_RESOURCE.auditEvents, "Audit event", async (db) => {
    const query = auditListQuery.parse(input);
    const sort = parseSort(query.sort, AUDIT_SORT);
    const where = {
      AND: [
        query.entityType ? { entityType: query.entityType } : {},
        query.entityId ? { entityId: query.entityId } : {},
        query.action ? { action: query.action } : {},
        query.actorId ? { actorId: query.actorId } : {},
        afterCursor(query.cursor, sort) ?? {},
      ],
    };
    const rows = await db.auditEvent.findMany({ where, orderBy: orderByFor(sort), take: query.limit + 1 });
    return toPage(rows, query.limit, sort, toDto);
  });
}
