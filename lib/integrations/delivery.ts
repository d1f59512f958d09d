import { AsyncResource } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { controlDb } from "@/lib/db/control";
import { TEST_EVENT, type PublishedEvent } from "./events";
import { decryptSigningSecret } from "./secrets";
import { SIGNATURE_HEADER, signatureHeader } from "./signature";
import { resolveTarget, targetPolicyFromEnv, TargetRefusedError, type TargetPolicy } from "./targets";

/**
 * Delivering a workspace's events to its endpoints. Publishing writes one pending row per
 * event and subscribed endpoint (outbound_webhook_deliveries); the dispatcher claims due
 * rows (FOR UPDATE SKIP LOCKED, so several server processes share the queue without sending
 * a row twice at once), POSTs them signed, and records the outcome. A 2xx answer is a
 * delivery; anything else — another status, a refused or slow connection, an address the
 * target policy refuses — is tried again after 30 s, 2 min, 10 min, 1 h and 6 h, then the
 * delivery is marked failed. Delivery is at least once: receivers dedupe on the event id.
 */

export const RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 3_600_000, 21_600_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** A claimed row is not claimed again for this long (a process that died mid-send). */
const LEASE_MS = 60_000;
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 64 * 1024;
const BATCH = 20;

export const USER_AGENT = "LogiAccounting-Webhooks/1";

/** Queues the committed events of a unit of work for every enabled endpoint subscribed to them. */
export async function publishEvents(
  tenantId: string,
  events: readonly PublishedEvent[],
  now = new Date(),
): Promise<number> {
  if (!events.length) return 0;
  const db = await controlDb();
  const endpoints = await db.outboundWebhook.findMany({
    where: { tenantId, enabled: true, events: { hasSome: [...new Set(events.map((event) => event.type))] } },
    select: { id: true, events: true },
  });
  const rows = events.flatMap((event) => {
    const eventId = randomUUID();
    const payload = JSON.parse(JSON.stringify(event.data ?? null)) as object;
    return endpoints
      .filter((endpoint) => endpoint.events.includes(event.type))
      .map((endpoint) => ({
        webhookId: endpoint.id,
        tenantId,
        eventId,
        eventType: event.type,
        payload,
        createdAt: now,
        nextAttemptAt: now,
      }));
  });
  if (rows.length) {
    await db.outboundWebhookDelivery.createMany({ data: rows });
    kickDispatcher();
  }
  return rows.length;
}

/** One `webhook.test` delivery to one endpoint (the endpoint belongs to `tenantId`: the caller checked). */
export async function enqueueTestEvent(tenantId: string, webhookId: string): Promise<string> {
  const db = await controlDb();
  const row = await db.outboundWebhookDelivery.create({
    data: {
      webhookId,
      tenantId,
      eventId: randomUUID(),
      eventType: TEST_EVENT,
      payload: { message: "A test event from LogiAccounting Pro: your endpoint is reachable." },
    },
    select: { id: true },
  });
  kickDispatcher();
  return row.id;
}

interface Claimed {
  id: string;
  webhook_id: string;
  tenant_id: string;
  event_id: string;
  event_type: string;
  payload: unknown;
  attempts: number;
  created_at: Date;
}

export interface DeliveryOutcome {
  id: string;
  status: "delivered" | "pending" | "failed";
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
}

export interface DeliverOptions {
  now?: Date;
  limit?: number;
  policy?: TargetPolicy;
  timeoutMs?: number;
}

/** Sends what is due now (at most `limit`), one request per delivery; returns what happened. */
export async function deliverDue(options: DeliverOptions = {}): Promise<DeliveryOutcome[]> {
  const now = options.now ?? new Date();
  const db = await controlDb();
  const claimed = await db.$queryRaw<Claimed[]>`
    UPDATE outbound_webhook_deliveries d
       SET attempts = d.attempts + 1, next_attempt_at = ${new Date(now.getTime() + LEASE_MS)}
     WHERE d.id IN (
       SELECT id FROM outbound_webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= ${now}
        ORDER BY next_attempt_at
        LIMIT ${options.limit ?? BATCH}
        FOR UPDATE SKIP LOCKED)
    RETURNING d.id, d.webhook_id, d.tenant_id, d.event_id, d.event_type, d.payload, d.attempts, d.created_at`;
  const policy = options.policy ?? targetPolicyFromEnv();
  return Promise.all(claimed.map((row) => deliverOne(row, now, policy, options.timeoutMs ?? REQUEST_TIMEOUT_MS)));
}

async function deliverOne(row: Claimed, now: Date, policy: TargetPolicy, timeoutMs: number): Promise<DeliveryOutcome> {
  const db = await controlDb();
  const endpoint = await db.outboundWebhook.findFirst({
    where: { id: row.webhook_id, tenantId: row.tenant_id },
    select: { id: true, url: true, secretEncrypted: true, enabled: true },
  });
  let result: { status: number | null; error: string | null };
  if (!endpoint || (!endpoint.enabled && row.event_type !== TEST_EVENT)) {
    result = { status: null, error: "the endpoint is disabled" };
  } else {
    result = await send(row, endpoint, policy, timeoutMs);
  }
  const delivered = result.status !== null && result.status >= 200 && result.status < 300;
  const final = delivered || row.attempts >= MAX_ATTEMPTS || !endpoint;
  const status = delivered ? "delivered" : final ? "failed" : "pending";
  const next = new Date(now.getTime() + (RETRY_DELAYS_MS[row.attempts - 1] ?? 0));
  // updateMany: the endpoint (and with it this row) may have been deleted meanwhile.
  await db.outboundWebhookDelivery.updateMany({
    where: { id: row.id },
    data: {
      status,
      lastStatus: result.status,
      lastError: result.error?.slice(0, 500) ?? null,
      deliveredAt: delivered ? new Date() : null,
      nextAttemptAt: next,
    },
  });
  return { id: row.id, status, attempts: row.attempts, lastStatus: result.status, lastError: result.error };
}

/** Signs the event with the endpoint's secret and POSTs it. */
async function send(
  row: Claimed,
  endpoint: { id: string; url: string; secretEncrypted: string },
  policy: TargetPolicy,
  timeoutMs: number,
): Promise<{ status: number | null; error: string | null }> {
  let secret: string;
  try {
    secret = decryptSigningSecret(endpoint.secretEncrypted, endpoint.id);
  } catch {
    // Recorded like any failed attempt, so the row still ends as failed instead of looping.
    return { status: null, error: "the signing secret cannot be read (was AUTH_SECRET changed?): roll it" };
  }
  const body = JSON.stringify({
    id: row.event_id,
    type: row.event_type,
    createdAt: row.created_at.toISOString(),
    data: row.payload,
  });
  const headers = {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    [SIGNATURE_HEADER]: signatureHeader(secret, body),
    "LogiAccounting-Event-Id": row.event_id,
    "LogiAccounting-Event-Type": row.event_type,
    "LogiAccounting-Delivery-Attempt": String(row.attempts),
  };
  return post(new URL(endpoint.url), body, headers, policy, timeoutMs);
}

/** One POST to the checked address; never follows redirects. */
async function post(
  url: URL,
  body: string,
  headers: Record<string, string>,
  policy: TargetPolicy,
  timeoutMs: number,
): Promise<{ status: number | null; error: string | null }> {
  if (url.protocol !== "https:" && !policy.allowPrivate)
    return { status: null, error: "only https:// endpoints are called" };
  let target: { address: string; family: 4 | 6 };
  try {
    target = await resolveTarget(url, policy);
  } catch (error) {
    return { status: null, error: error instanceof TargetRefusedError ? error.message : String(error) };
  }
  // The connection goes to the address just checked, whatever DNS answers by then.
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const request = send(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": Buffer.byteLength(body) },
        lookup,
        timeout: timeoutMs,
      },
      (response: IncomingMessage) => {
        let received = 0;
        response.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) response.destroy();
        });
        response.on("close", () => {
          const status = response.statusCode ?? null;
          const ok = status !== null && status >= 200 && status < 300;
          resolve({ status, error: ok ? null : `answered ${status}` });
        });
      },
    );
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    request.on("error", (error: NodeJS.ErrnoException) =>
      resolve({ status: null, error: error.code ?? error.message }),
    );
    request.on("close", () => clearTimeout(deadline));
    request.end(body);
  });
}

/** Delivered and failed rows are kept this long (the page and the API show the latest). */
export const DELIVERY_RETENTION_DAYS = 30;

/** Removes finished deliveries older than the retention; pending ones stay whatever their age. */
export async function pruneDeliveries(now = new Date(), retentionDays = DELIVERY_RETENTION_DAYS): Promise<number> {
  const db = await controlDb();
  const { count } = await db.outboundWebhookDelivery.deleteMany({
    where: {
      status: { in: ["delivered", "failed"] },
      createdAt: { lt: new Date(now.getTime() - retentionDays * 86_400_000) },
    },
  });
  return count;
}

// ── the dispatcher: one per server process ─────────────────────────────────────────────

const DISPATCH_INTERVAL_MS = 2_000;
const PRUNE_INTERVAL_MS = 3_600_000;
const KEY = Symbol.for("logiaccounting.webhook-dispatcher");
type Dispatcher = {
  timer: ReturnType<typeof setInterval>;
  running: boolean;
  again: boolean;
  /** When this process last removed old deliveries. */
  prunedAt: number;
  /** Runs a pass in the context the dispatcher was started in, not in the request that kicked it. */
  pass: () => void;
};
type Holder = { [KEY]?: Dispatcher };

/** Starts the process's dispatcher (instrumentation.ts): due deliveries every 2 s, and at once after a publish. */
export function startDispatcher(): void {
  const holder = globalThis as Holder;
  if (holder[KEY]) return;
  const timer = setInterval(() => kickDispatcher(), DISPATCH_INTERVAL_MS);
  timer.unref();
  const dispatcher: Dispatcher = { timer, running: false, again: false, prunedAt: 0, pass: () => undefined };
  dispatcher.pass = AsyncResource.bind(() => void runPasses(dispatcher));
  holder[KEY] = dispatcher;
}

export function stopDispatcher(): void {
  const holder = globalThis as Holder;
  if (holder[KEY]) clearInterval(holder[KEY].timer);
  delete holder[KEY];
}

/** Runs the dispatcher now, unless it is not started (tests call deliverDue themselves). */
function kickDispatcher(): void {
  const dispatcher = (globalThis as Holder)[KEY];
  if (!dispatcher) return;
  if (dispatcher.running) {
    dispatcher.again = true;
    return;
  }
  dispatcher.running = true;
  dispatcher.pass();
}

async function runPasses(dispatcher: Dispatcher): Promise<void> {
  try {
    if (Date.now() - dispatcher.prunedAt > PRUNE_INTERVAL_MS) {
      dispatcher.prunedAt = Date.now();
      await pruneDeliveries();
    }
    do {
      dispatcher.again = false;
      const outcomes = await deliverDue();
      if (outcomes.length === BATCH) dispatcher.again = true;
    } while (dispatcher.again);
  } catch (error) {
    console.error("[webhooks] dispatch failed:", error instanceof Error ? error.message : error);
  } finally {
    dispatcher.running = false;
  }
}
