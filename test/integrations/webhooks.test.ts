import { afterAll, beforeAll, expect, it } from "vitest";
import { createCustomer } from "@/lib/accounting/customers";
import { createInvoice } from "@/lib/accounting/invoices";
import { controlDb } from "@/lib/db/control";
import { NotFoundError, QuotaExceededError, ValidationError } from "@/lib/http/errors";
import { deliverDue, MAX_ATTEMPTS, pruneDeliveries, RETRY_DELAYS_MS } from "@/lib/integrations/delivery";
import { decryptSigningSecret } from "@/lib/integrations/secrets";
import { SIGNATURE_HEADER, verifySignature } from "@/lib/integrations/signature";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  rollWebhookSecret,
  sendTestEvent,
  updateWebhook,
} from "@/lib/integrations/webhooks";
import { quotaStatus } from "@/lib/quotas/quotas";
import { reconcileTenantQuotas } from "@/lib/quotas/reconcile";
import { describeIsolation } from "../support/isolation";
import { asTenant, createTenant, setQuota, settle } from "../quotas/support";
import { startReceiver, type Receiver } from "./receiver";

/**
 * Integrations (outbound webhooks), on PGlite and PostgreSQL: each endpoint takes a slot of
 * the "integrations" quota (atomically: 50 at once with 3 left → 3), another workspace's
 * endpoint is not found, committed changes of the accounting app are delivered signed to a
 * real HTTP receiver, failures are retried on the back-off schedule, and private addresses
 * are refused unless the deployment allows them.
 */

let receiver: Receiver;
const savedPolicy = process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS;

beforeAll(async () => {
  // The receiver listens on 127.0.0.1: allowed here as in development, refused by default.
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
  receiver = await startReceiver();
});

afterAll(async () => {
  if (savedPolicy === undefined) delete process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS;
  else process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = savedPolicy;
  await receiver.close();
});

const used = async (tenantId: string) => (await quotaStatus(tenantId)).find((s) => s.key === "integrations")!;

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable("expected a failure"),
    (error: unknown) => error,
  );
}

describeIsolation("integrations: outbound webhooks", () => {
  it("a Free workspace has one integration: the second endpoint gets the quota problem until the first is deleted", async () => {
    const tenant = await createTenant("free");
    const first = await createWebhook(tenant.id, { url: receiver.url, events: ["invoice.created"] }, null);
    expect(first.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(await used(tenant.id)).toMatchObject({ used: 1, limit: 1, level: "exceeded" });

    const refused = await failure(createWebhook(tenant.id, { url: receiver.url, events: ["invoice.paid"] }, null));
    expect(refused).toBeInstanceOf(QuotaExceededError);
    expect((refused as QuotaExceededError).extensions).toMatchObject({ quota: "integrations", limit: 1, used: 1 });

    await deleteWebhook(tenant.id, first.id);
    expect(await used(tenant.id)).toMatchObject({ used: 0 });
    await createWebhook(tenant.id, { url: receiver.url, events: ["invoice.paid"] }, null);
  });

  it("50 endpoints at once with 3 slots left: exactly 3 are created; the counter equals the rows, and reconciling repairs a drift", async () => {
    const tenant = await createTenant("standard");
    await setQuota(tenant.id, { maxIntegrations: 10, currentIntegrations: 7 });
    const settled = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        createWebhook(tenant.id, { url: `${receiver.url}?n=${i}`, events: ["customer.created"] }, null),
      ),
    );
    const { ok, errors } = settle(settled);
    expect(ok).toHaveLength(3);
    expect(errors).toHaveLength(47);
    for (const error of errors) expect(error).toBeInstanceOf(QuotaExceededError);
    expect(await listWebhooks(tenant.id)).toHaveLength(3);
    expect((await used(tenant.id)).used).toBe(10);

    // The 7 the test pretended were used do not exist: reconciliation counts the rows.
    const results = await reconcileTenantQuotas(tenant.id);
    expect(results.find((r) => r.key === "integrations")).toMatchObject({ counter: 10, actual: 3, repaired: true });
    expect((await used(tenant.id)).used).toBe(3);
  });

  it("another workspace's endpoint is not found: reading, changing, testing, rolling, its deliveries, deleting", async () => {
    const victim = await createTenant("professional");
    const attacker = await createTenant("professional");
    const hook = await createWebhook(victim.id, { url: receiver.url, events: ["invoice.created"] }, null);
    const attempts = await Promise.all(
      [
        () => getWebhook(attacker.id, hook.id),
        () => updateWebhook(attacker.id, hook.id, { enabled: false }),
        () => sendTestEvent(attacker.id, hook.id),
        () => rollWebhookSecret(attacker.id, hook.id),
        () => listDeliveries(attacker.id, hook.id),
        () => deleteWebhook(attacker.id, hook.id),
        () => getWebhook(attacker.id, "not-a-uuid"),
      ].map((attempt) => failure(attempt())),
    );
    for (const error of attempts) expect(error).toBeInstanceOf(NotFoundError);
    expect(await listWebhooks(attacker.id)).toEqual([]);
    // Untouched, and the attacker's failed delete gave nothing back to anyone.
    expect(await getWebhook(victim.id, hook.id)).toMatchObject({ enabled: true, url: hook.url });
    expect((await used(victim.id)).used).toBe(1);
    expect((await used(attacker.id)).used).toBe(0);
  });

  it("bad input is a validation problem naming the field, and nothing is created", async () => {
    const tenant = await createTenant("professional");
    const cases: [unknown, string][] = [
      [{ url: "ftp://example.com/x", events: ["invoice.created"] }, "url"],
      [{ url: "https://user:pw@example.com/x", events: ["invoice.created"] }, "url"],
      [{ url: "not a url", events: ["invoice.created"] }, "url"],
      [{ url: receiver.url, events: [] }, "events"],
      [{ url: receiver.url, events: ["invoice.exploded"] }, "events.0"],
      [{ url: receiver.url, events: ["invoice.created"], description: "x".repeat(201) }, "description"],
    ];
    for (const [input, field] of cases) {
      const error = await failure(createWebhook(tenant.id, input, null));
      expect(error, JSON.stringify(input)).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.field)).toContain(field);
    }
    // Every problem at once.
    const both = await failure(createWebhook(tenant.id, { url: "ftp://example.com", events: [] }, null));
    expect((both as ValidationError).issues.map((i) => i.field).sort()).toEqual(["events", "url"]);
    const hook = await createWebhook(tenant.id, { url: receiver.url, events: ["invoice.created"] }, null);
    const nothing = await failure(updateWebhook(tenant.id, hook.id, {}));
    expect((nothing as ValidationError).issues[0].field).toBe("body");
    expect(await listWebhooks(tenant.id)).toHaveLength(1);
    expect((await used(tenant.id)).used).toBe(1);
  });

  it("the signing secret is stored encrypted, bound to its endpoint; rolling it replaces it", async () => {
    const tenant = await createTenant("professional");
    const hook = await createWebhook(tenant.id, { url: receiver.url, events: ["invoice.created"] }, null);
    const db = await controlDb();
    const row = await db.outboundWebhook.findUniqueOrThrow({ where: { id: hook.id } });
    expect(row.secretEncrypted).not.toContain(hook.secret.slice(6));
    expect(decryptSigningSecret(row.secretEncrypted, hook.id)).toBe(hook.secret);
    expect(() => decryptSigningSecret(row.secretEncrypted, tenant.id)).toThrow();
    const rolled = await rollWebhookSecret(tenant.id, hook.id);
    expect(rolled.secret).not.toBe(hook.secret);
    const after = await db.outboundWebhook.findUniqueOrThrow({ where: { id: hook.id } });
    expect(decryptSigningSecret(after.secretEncrypted, hook.id)).toBe(rolled.secret);
    expect(JSON.stringify(await listWebhooks(tenant.id))).not.toContain("whsec_");
  });

  it("a committed change reaches the subscribed endpoint, signed; a rolled-back one and unsubscribed events do not", async () => {
    const tenant = await createTenant("professional");
    const hook = await createWebhook(tenant.id, { url: receiver.url, events: ["customer.created"] }, null);
    await createWebhook(tenant.id, { url: receiver.url, events: ["invoice.paid"], description: "other" }, null);
    const before = receiver.received.length;

    const customer = await asTenant(tenant, () => createCustomer({ name: "Webhook Customer Ltd" }));
    // Rolled back (unknown customer): no event.
    await failure(
      asTenant(tenant, () =>
        createInvoice({
          customerId: "00000000-0000-4000-8000-000000000000",
          lines: [{ description: "x", quantity: 1, unitPriceMinor: 100 }],
        }),
      ),
    );
    const outcomes = await deliverDue();
    expect(outcomes).toEqual([expect.objectContaining({ status: "delivered", attempts: 1, lastStatus: 200 })]);

    const [delivery] = receiver.received.slice(before);
    expect(receiver.received).toHaveLength(before + 1);
    const event = JSON.parse(delivery.body) as { id: string; type: string; data: { id: string; name: string } };
    expect(event).toMatchObject({ type: "customer.created", data: { id: customer.id, name: "Webhook Customer Ltd" } });
    expect(delivery.headers["logiaccounting-event-type"]).toBe("customer.created");
    expect(delivery.headers["logiaccounting-event-id"]).toBe(event.id);
    expect(delivery.headers["user-agent"]).toBe("LogiAccounting-Webhooks/1");
    const signature = delivery.headers[SIGNATURE_HEADER.toLowerCase()] as string;
    expect(verifySignature(hook.secret, delivery.body, signature)).toBe(true);
    expect(verifySignature(hook.secret, delivery.body.replace("Ltd", "Inc"), signature)).toBe(false);
    expect(await listDeliveries(tenant.id, hook.id)).toEqual([
      expect.objectContaining({ eventType: "customer.created", status: "delivered", attempts: 1, lastStatus: 200 }),
    ]);
  });

  it("a failing endpoint is retried on the back-off schedule, then marked failed", async () => {
    const tenant = await createTenant("professional");
    const hook = await createWebhook(tenant.id, { url: receiver.url, events: ["customer.created"] }, null);
    const start = new Date(Date.now() + 1_000);
    await sendTestEvent(tenant.id, hook.id);
    receiver.answer(...Array.from({ length: MAX_ATTEMPTS }, () => 500));
    let now = start;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const [outcome] = await deliverDue({ now });
      expect(outcome).toMatchObject({ attempts: attempt, lastStatus: 500, lastError: "answered 500" });
      expect(outcome.status).toBe(attempt < MAX_ATTEMPTS ? "pending" : "failed");
      if (attempt === MAX_ATTEMPTS) break;
      // Not due before its delay …
      const delay = RETRY_DELAYS_MS[attempt - 1];
      expect(await deliverDue({ now: new Date(now.getTime() + delay - 1_000) })).toEqual([]);
      // … and due after it.
      now = new Date(now.getTime() + delay);
    }
    expect(await deliverDue({ now: new Date(now.getTime() + 10 * 86_400_000) })).toEqual([]);
    expect(await listDeliveries(tenant.id, hook.id)).toEqual([
      expect.objectContaining({ eventType: "webhook.test", status: "failed", attempts: MAX_ATTEMPTS }),
    ]);
  });

  it("finished deliveries are removed after 30 days; pending ones are kept whatever their age", async () => {
    const tenant = await createTenant("professional");
    const hook = await createWebhook(tenant.id, { url: receiver.url, events: ["customer.created"] }, null);
    const db = await controlDb();
    const old = new Date(Date.now() - 31 * 86_400_000);
    const recent = new Date(Date.now() - 29 * 86_400_000);
    const row = (status: string, createdAt: Date) => ({
      webhookId: hook.id,
      tenantId: tenant.id,
      eventId: crypto.randomUUID(),
      eventType: "customer.created",
      payload: {},
      status,
      createdAt,
      // Not due: the other tests' deliverDue calls must not pick these up.
      nextAttemptAt: new Date(Date.now() + 86_400_000 * 365),
    });
    await db.outboundWebhookDelivery.createMany({
      data: [row("delivered", old), row("failed", old), row("pending", old), row("delivered", recent)],
    });
    await pruneDeliveries();
    const left = await db.outboundWebhookDelivery.findMany({
      where: { webhookId: hook.id },
      orderBy: { createdAt: "asc" },
    });
    expect(left.map((r) => [r.status, r.createdAt.getTime()])).toEqual([
      ["pending", old.getTime()],
      ["delivered", recent.getTime()],
    ]);
  });

  it("a secret that no longer decrypts (AUTH_SECRET changed) is an attempt that failed, not a row stuck in the queue", async () => {
    const tenant = await createTenant("professional");
    const hook = await createWebhook(tenant.id, { url: receiver.url, events: ["customer.created"] }, null);
    const other = await createWebhook(tenant.id, { url: receiver.url, events: ["customer.created"] }, null);
    const db = await controlDb();
    const foreign = await db.outboundWebhook.findUniqueOrThrow({ where: { id: other.id } });
    // Another endpoint's ciphertext: bound to that endpoint's id, it does not decrypt here.
    await db.outboundWebhook.update({ where: { id: hook.id }, data: { secretEncrypted: foreign.secretEncrypted } });
    const before = receiver.received.length;
    await sendTestEvent(tenant.id, hook.id);
    const [outcome] = await deliverDue();
    expect(outcome).toMatchObject({ status: "pending", attempts: 1, lastStatus: null });
    expect(outcome.lastError).toMatch(/signing secret cannot be read/);
    expect(receiver.received).toHaveLength(before);
  });

  it("without WEBHOOK_ALLOW_PRIVATE_TARGETS a private address is refused: when saved, and when delivering", async () => {
    const tenant = await createTenant("professional");
    const hook = await createWebhook(tenant.id, { url: receiver.url, events: ["customer.created"] }, null);
    delete process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS;
    try {
      for (const url of [
        "http://127.0.0.1/x",
        "https://127.0.0.1/x",
        "https://10.1.2.3/x",
        "https://[::1]/x",
        "https://localhost/x",
      ]) {
        const error = await failure(createWebhook(tenant.id, { url, events: ["customer.created"] }, null));
        expect((error as ValidationError).issues?.[0]?.field, url).toBe("url");
      }
      const before = receiver.received.length;
      await sendTestEvent(tenant.id, hook.id);
      const [outcome] = await deliverDue({ policy: { allowPrivate: false } });
      expect(outcome).toMatchObject({ status: "pending", lastStatus: null });
      expect(outcome.lastError).toMatch(/private address|https/);
      expect(receiver.received).toHaveLength(before);
    } finally {
      process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
    }
  });
});
