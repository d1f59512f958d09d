import { randomUUID } from "node:crypto";
import { controlDb } from "@/lib/db/control";
import type { z } from "zod";
import { NotFoundError, ValidationError } from "@/lib/http/errors";
import { zodIssues } from "@/lib/http/problem";
import { releaseQuota, withQuota } from "@/lib/quotas/quotas";
import { isUuid } from "@/lib/tenancy/directory";
import { enqueueTestEvent } from "./delivery";
import { webhookCreateSchema, webhookUpdateSchema } from "./schemas";
import { encryptSigningSecret, generateSigningSecret } from "./secrets";
import { parseWebhookUrl, targetPolicyFromEnv } from "./targets";

/**
 * A workspace's integrations: outbound webhook endpoints (docs/integrations.md). Each one
 * counts against the "integrations" quota of table 16.3 — taken atomically before the row
 * is written, given back when it is deleted. Every function takes the workspace's id and
 * finds only that workspace's endpoints: another workspace's id is simply not found.
 */

const ENTITY = "Webhook";

export interface WebhookDto {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookWithSecret extends WebhookDto {
  /** Shown once: when the endpoint is created or its secret rolled. */
  secret: string;
}

export interface DeliveryDto {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

type WebhookRow = {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
};

/**
 * The input checked by `schema` and its URL by the target policy, every problem at once:
 * callers (routes, server actions, tests) get one ValidationError naming all the fields.
 */
function validated<S extends z.ZodType>(
  schema: S,
  input: unknown,
  urlRequired: boolean,
): { data: z.output<S>; url: string | undefined } {
  const parsed = schema.safeParse(input ?? {});
  const issues = parsed.success ? [] : zodIssues(parsed.error);
  const raw = typeof input === "object" && input !== null ? (input as { url?: unknown }).url : undefined;
  let url: string | undefined;
  if (urlRequired || raw !== undefined) {
    try {
      url = parseWebhookUrl(raw, targetPolicyFromEnv());
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length || !parsed.success) throw new ValidationError(issues);
  return { data: parsed.data, url };
}

function toDto(row: WebhookRow): WebhookDto {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const SELECT = {
  id: true,
  url: true,
  description: true,
  events: true,
  enabled: true,
  createdAt: true,
  updatedAt: true,
};

async function findWebhook(tenantId: string, id: string): Promise<WebhookRow> {
  if (!isUuid(id)) throw new NotFoundError(ENTITY);
  const db = await controlDb();
  const row = await db.outboundWebhook.findFirst({ where: { id, tenantId }, select: SELECT });
  if (!row) throw new NotFoundError(ENTITY);
  return row;
}

export async function listWebhooks(tenantId: string): Promise<WebhookDto[]> {
  const db = await controlDb();
  const rows = await db.outboundWebhook.findMany({
    where: { tenantId },
    select: SELECT,
    orderBy: { createdAt: "asc" },
  });
  return rows.map(toDto);
}

export async function getWebhook(tenantId: string, id: string): Promise<WebhookDto> {
  return toDto(await findWebhook(tenantId, id));
}

/** Counts against the integrations quota (given back when the creation fails). */
export async function createWebhook(
  tenantId: string,
  input: unknown,
  createdById: string | null,
): Promise<WebhookWithSecret> {
  const { data, url } = validated(webhookCreateSchema, input, true);
  return withQuota(tenantId, "integrations", async () => {
    const db = await controlDb();
    const id = randomUUID();
    const secret = generateSigningSecret();
    const row = await db.outboundWebhook.create({
      data: {
        id,
        tenantId,
        url: url!, // validated() returns the URL whenever it is required
        description: data.description || null,
        events: data.events,
        secretEncrypted: encryptSigningSecret(secret, id),
        createdById,
      },
      select: SELECT,
    });
    return { ...toDto(row), secret };
  });
}

/** Any of url, description, events, enabled; the rest stays. */
export async function updateWebhook(tenantId: string, id: string, input: unknown): Promise<WebhookDto> {
  const { data, url } = validated(webhookUpdateSchema, input, false);
  const before = await findWebhook(tenantId, id);
  const db = await controlDb();
  const { count } = await db.outboundWebhook.updateMany({
    where: { id: before.id, tenantId },
    data: {
      url,
      description: data.description === undefined ? undefined : data.description || null,
      events: data.events,
      enabled: data.enabled,
    },
  });
  if (count !== 1) throw new NotFoundError(ENTITY);
  return getWebhook(tenantId, id);
}

/** Deletes the endpoint and its deliveries; its integration slot is given back. */
export async function deleteWebhook(tenantId: string, id: string): Promise<void> {
  if (!isUuid(id)) throw new NotFoundError(ENTITY);
  const db = await controlDb();
  const { count } = await db.outboundWebhook.deleteMany({ where: { id, tenantId } });
  if (count !== 1) throw new NotFoundError(ENTITY);
  await releaseQuota(tenantId, "integrations");
}

/** A new signing secret; the old one stops signing at once. */
export async function rollWebhookSecret(tenantId: string, id: string): Promise<WebhookWithSecret> {
  const before = await findWebhook(tenantId, id);
  const secret = generateSigningSecret();
  const db = await controlDb();
  await db.outboundWebhook.updateMany({
    where: { id: before.id, tenantId },
    data: { secretEncrypted: encryptSigningSecret(secret, before.id) },
  });
  return { ...toDto(await findWebhook(tenantId, id)), secret };
}

/** The endpoint's latest deliveries, newest first. */
export async function listDeliveries(tenantId: string, id: string, limit = 20): Promise<DeliveryDto[]> {
  const webhook = await findWebhook(tenantId, id);
  const db = await controlDb();
  const rows = await db.outboundWebhookDelivery.findMany({
    where: { webhookId: webhook.id, tenantId },
    orderBy: { createdAt: "desc" },
    take: Math.min(Math.max(1, limit), 100),
  });
  return rows.map((row) => ({
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === "pending" ? row.nextAttemptAt.toISOString() : null,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
  }));
}

/** Queues a `webhook.test` event for this endpoint alone; answers with its delivery's id. */
export async function sendTestEvent(tenantId: string, id: string): Promise<{ deliveryId: string }> {
  const webhook = await findWebhook(tenantId, id);
  return { deliveryId: await enqueueTestEvent(tenantId, webhook.id) };
}
