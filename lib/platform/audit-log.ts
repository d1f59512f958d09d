import type { Prisma } from "@/lib/generated/control/client";
import { controlDb } from "@/lib/db/control";

/**
 * The platform audit log (platform_audit_logs): one row per platform-admin action, with
 * who did it, from where, on what, and the data that explains it (before/after values of
 * an update, a suspension's reason, …). Rows are only ever appended.
 */

export interface PlatformActor {
  /** The platform admin's user id; null for actions of the system itself. */
  userId: string | null;
  /** The client address the action came from, when known. */
  ip: string | null;
}

export interface PlatformAuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  data?: Record<string, unknown>;
}

/** A client that can write the log: the control client or one of its transactions. */
type AuditWriter = Pick<Prisma.TransactionClient, "platformAuditLog">;

export async function recordPlatformAudit(
  actor: PlatformActor,
  entry: PlatformAuditEntry,
  db?: AuditWriter,
): Promise<void> {
  const client = db ?? (await controlDb());
  await client.platformAuditLog.create({
    data: {
      actorId: actor.userId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      data: toJson(entry.data ?? {}),
      ip: actor.ip ? actor.ip.slice(0, 64) : null,
    },
  });
}

/** Dates become ISO strings and undefined values are dropped, so the row holds plain JSON. */
function toJson(data: Record<string, unknown>): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(data)) as Prisma.InputJsonValue;
}

export interface PlatformAuditRow {
  id: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  data: unknown;
  ip: string | null;
  createdAt: Date;
}

/** The latest entries about one target, newest first (the admin's tenant page shows them). */
export async function platformAuditFor(targetType: string, targetId: string, limit = 20): Promise<PlatformAuditRow[]> {
  const db = await controlDb();
  return db.platformAuditLog.findMany({
    where: { targetType, targetId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
  });
}
