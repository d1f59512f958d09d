import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The events a workspace's integrations (outbound webhooks) can receive: the accounting
 * app's audited changes, under the audit trail's own action names, plus the test event an
 * admin sends by hand. An endpoint subscribes to a list of them.
 */
export const WEBHOOK_EVENTS = [
  "invoice.created",
  "invoice.updated",
  "invoice.sent",
  "invoice.paid",
  "invoice.voided",
  "invoice.deleted",
  "customer.created",
  "customer.updated",
  "customer.deleted",
  "product.created",
  "product.updated",
  "product.stock_adjusted",
  "product.deleted",
  "project.created",
  "project.updated",
  "project.deleted",
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export const TEST_EVENT = "webhook.test";

export function isWebhookEvent(value: string): value is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(value);
}

export interface PublishedEvent {
  type: WebhookEvent;
  /** The record after the change (before it, for a deletion). */
  data: unknown;
}

const collected = new AsyncLocalStorage<PublishedEvent[]>();

/**
 * Runs `fn` (a unit of work) and collects the events its audit entries name; `publish`
 * gets them only once `fn` has resolved — its transaction committed — so an integration
 * never hears of a change that was rolled back. Nested units of work add to the outermost.
 */
export async function collectingEvents<T>(
  fn: () => Promise<T>,
  publish: (events: PublishedEvent[]) => Promise<void>,
): Promise<T> {
  if (collected.getStore()) return fn();
  const events: PublishedEvent[] = [];
  const result = await collected.run(events, fn);
  if (events.length) await publish(events);
  return result;
}

/** Called for each audit entry: kept when it is an event integrations can subscribe to. */
export function noteEvent(action: string, data: unknown): void {
  const events = collected.getStore();
  if (events && isWebhookEvent(action)) events.push({ type: action, data });
}
