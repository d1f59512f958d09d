import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { controlDb } from "@/lib/db/control";
import { QuotaExceededError } from "@/lib/http/errors";
import { consumeQuota, quotaStatus } from "@/lib/quotas/quotas";
import { forgetApiCallLimits } from "@/lib/usage/api-calls";
import { memoryCounterStore, redisCounterStore, setUsageCounterStore } from "@/lib/usage/counters";
import { parseUsageHistoryQuery } from "@/lib/usage/schemas";
import { countApiCall, currentUsage, flushUsage, recordUsage, usageHistory } from "@/lib/usage/usage";
import { describeIsolation } from "../support/isolation";
import { redisAvailable, testRedis, type TestRedis } from "../support/redis";
import { createTenant, setQuota, settle } from "./support";

/**
 * Usage tracking: the monthly reset on usage_reset_day, history per period and metric,
 * API calls counted (in process and in a real Redis shared by two "processes"), exports,
 * and the 80 % warning e-mail sent once per period through a real SMTP server.
 */

interface Mail {
  to: string[];
  body: string;
}
const mails: Mail[] = [];
let smtp: SMTPServer;
let redis: TestRedis | undefined;
const savedSmtp = process.env.SMTP_URL;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      let body = "";
      stream.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
  process.env.SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  if (redisAvailable) redis = await testRedis();
});

afterAll(async () => {
  await setUsageCounterStore(undefined);
  await redis?.stop();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  if (savedSmtp === undefined) delete process.env.SMTP_URL;
  else process.env.SMTP_URL = savedSmtp;
});

const at = (iso: string) => new Date(iso);

async function refusal(promise: Promise<unknown>): Promise<QuotaExceededError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QuotaExceededError);
  return error as QuotaExceededError;
}

describeIsolation("usage tracking", () => {
  it("monthly reset on usage_reset_day 31: January's counter closes on Feb 27, a new period opens on Feb 28", async () => {
    await setUsageCounterStore(memoryCounterStore());
    const tenant = await createTenant("standard");
    await setQuota(tenant.id, { usageResetDay: 31, maxInvoicesPerMonth: 3 });
    for (let i = 0; i < 3; i++) await consumeQuota(tenant.id, "invoices", 1, { now: at("2026-01-31T09:00:00Z") });
    const full = await refusal(consumeQuota(tenant.id, "invoices", 1, { now: at("2026-02-27T23:59:59Z") }));
    expect(full.extensions).toMatchObject({ quota: "invoices", limit: 3, used: 3 });

    await consumeQuota(tenant.id, "invoices", 1, { now: at("2026-02-28T00:00:01Z") });
    const invoices = (await quotaStatus(tenant.id, { now: at("2026-02-28T00:00:02Z") })).find(
      (s) => s.key === "invoices",
    )!;
    expect(invoices.used).toBe(1);
    const db = await controlDb();
    const quota = await db.tenantQuota.findUniqueOrThrow({ where: { tenantId: tenant.id } });
    expect(quota.usagePeriodStart?.toISOString().slice(0, 10)).toBe("2026-02-28");
    // The ended period's figure is in the history.
    const log = await db.tenantUsageLog.findFirstOrThrow({ where: { tenantId: tenant.id, metricType: "invoices" } });
    expect(log.periodStart.toISOString().slice(0, 10)).toBe("2026-01-31");
    expect(log.periodEnd.toISOString().slice(0, 10)).toBe("2026-02-27");
    expect(Number(log.metricValue)).toBe(3);
  });

  it("history: the last 12 periods per metric, oldest first, the current one live; the query is validated", async () => {
    await setUsageCounterStore(memoryCounterStore());
    forgetApiCallLimits();
    const tenant = await createTenant("professional");
    await setQuota(tenant.id, { usageResetDay: 15 });
    await consumeQuota(tenant.id, "invoices", 1, { now: at("2026-01-20T10:00:00Z") });
    await consumeQuota(tenant.id, "invoices", 1, { now: at("2026-02-10T10:00:00Z") });
    await consumeQuota(tenant.id, "invoices", 1, { now: at("2026-02-20T10:00:00Z") }); // rolls Jan 15 → Feb 15
    await consumeQuota(tenant.id, "invoices", 1, { now: at("2026-03-16T10:00:00Z") }); // rolls Feb 15 → Mar 15
    await consumeQuota(tenant.id, "invoices", 1, { now: at("2026-03-17T10:00:00Z") });

    const [history] = await usageHistory(tenant.id, ["invoices"], 12, at("2026-03-20T00:00:00Z"));
    expect(history.points).toHaveLength(12);
    expect(history.points[0].periodStart).toBe("2025-04-15");
    expect(history.points.slice(-3)).toEqual([
      { periodStart: "2026-01-15", periodEnd: "2026-02-14", value: 2 },
      { periodStart: "2026-02-15", periodEnd: "2026-03-14", value: 1 },
      { periodStart: "2026-03-15", periodEnd: "2026-04-14", value: 2 },
    ]);
    expect(history.points.slice(0, 9).every((p) => p.value === 0)).toBe(true);

    expect(parseUsageHistoryQuery({})).toMatchObject({ periods: 12 });
    expect(parseUsageHistoryQuery({ metric: "api_calls,invoices", periods: "3" })).toEqual({
      metrics: ["api_calls", "invoices"],
      periods: 3,
    });
    expect(() => parseUsageHistoryQuery({ periods: "13" })).toThrow(/periods must be between 1 and 12/);
    expect(() => parseUsageHistoryQuery({ metric: "teleports" })).toThrow(/Use one or more of/);
    expect(() => parseUsageHistoryQuery({ colour: "red" })).toThrow();
  });

  it("API calls are counted per tenant, refused with 429 and Retry-After past the quota, and flushed", async () => {
    await setUsageCounterStore(memoryCounterStore());
    forgetApiCallLimits();
    const tenant = await createTenant("free");
    const other = await createTenant("free");
    await quotaStatus(tenant.id);
    await setQuota(tenant.id, { currentApiCalls: 995 });
    for (let i = 0; i < 5; i++) await countApiCall(tenant.id);
    await countApiCall(other.id);
    const refused = await refusal(countApiCall(tenant.id));
    expect(refused.status).toBe(429);
    expect(refused.extensions).toMatchObject({ quota: "api_calls", limit: 1000, used: 1000 });
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);

    await flushUsage();
    const db = await controlDb();
    const quota = await db.tenantQuota.findUniqueOrThrow({ where: { tenantId: tenant.id } });
    expect(quota.currentApiCalls).toBe(1000);
    const usage = await currentUsage(other.id);
    expect(usage.metrics.find((m) => m.metric === "api_calls")?.value).toBe(1);
    const log = await db.tenantUsageLog.findFirstOrThrow({ where: { tenantId: tenant.id, metricType: "api_calls" } });
    expect(Number(log.metricValue)).toBe(1000);
    // Flushing again changes nothing (absolute figures).
    await flushUsage();
    expect(
      Number(
        (await db.tenantUsageLog.findFirstOrThrow({ where: { tenantId: tenant.id, metricType: "api_calls" } }))
          .metricValue,
      ),
    ).toBe(1000);
  });

  it("exports are counted per period and flushed to the history", async () => {
    await setUsageCounterStore(memoryCounterStore());
    const tenant = await createTenant("standard");
    await recordUsage(tenant.id, "exports");
    await recordUsage(tenant.id, "exports", 2);
    await flushUsage();
    const [history] = await usageHistory(tenant.id, ["exports"], 1);
    expect(history.points).toEqual([expect.objectContaining({ value: 3 })]);
  });

  it.skipIf(!redisAvailable)(
    "with Redis: two processes share one count; 50 calls at once with 3 left → exactly 3 pass",
    async () => {
      const a = new Redis(redis!.url);
      const b = new Redis(redis!.url);
      // Two "processes": each its own connection and store over the same Redis.
      const stores = [redisCounterStore(a), redisCounterStore(b)];
      try {
        const key = `usage:race:${Date.now()}:api_calls`;
        const settled = await Promise.all(
          Array.from({ length: 50 }, (_, i) => stores[i % 2].addWithin(key, 1, 1000, 997, 60)),
        );
        expect(settled.filter((r) => r.ok)).toHaveLength(3);
        expect(await redis!.admin.get(key)).toBe("1000");

        // And through countApiCall with the Redis store installed: the count lives in Redis.
        await setUsageCounterStore(redisCounterStore(a));
        forgetApiCallLimits();
        const tenant = await createTenant("free");
        await quotaStatus(tenant.id);
        await setQuota(tenant.id, { currentApiCalls: 997 });
        const { ok, errors } = settle(
          await Promise.allSettled(Array.from({ length: 50 }, () => countApiCall(tenant.id))),
        );
        expect(ok).toHaveLength(3);
        expect(errors).toHaveLength(47);
        for (const error of errors) expect(error).toMatchObject({ status: 429, extensions: { quota: "api_calls" } });
        const keys = await redis!.admin.keys(`usage:${tenant.id}:*`);
        expect(keys).toHaveLength(1);
        expect(await redis!.admin.get(keys[0])).toBe("1000");
      } finally {
        await setUsageCounterStore(undefined);
        a.disconnect();
        b.disconnect();
      }
    },
  );

  it("80%: the owners and admins get ONE warning e-mail per quota and period", async () => {
    await setUsageCounterStore(memoryCounterStore());
    const tenant = await createTenant("standard");
    const db = await controlDb();
    const owner = await db.user.create({ data: { email: `owner-${tenant.slug}@example.test` } });
    const admin = await db.user.create({ data: { email: `admin-${tenant.slug}@example.test` } });
    const member = await db.user.create({ data: { email: `member-${tenant.slug}@example.test` } });
    await db.membership.createMany({
      data: [
        { tenantId: tenant.id, userId: owner.id, role: "owner" },
        { tenantId: tenant.id, userId: admin.id, role: "admin" },
        { tenantId: tenant.id, userId: member.id, role: "member" },
      ],
    });
    await setQuota(tenant.id, { maxProjects: 10, currentProjects: 0 });
    const before = mails.length;
    for (let i = 0; i < 7; i++) await consumeQuota(tenant.id, "projects");
    expect(mails.length).toBe(before); // 70 %: nothing yet
    await Promise.all(Array.from({ length: 3 }, () => consumeQuota(tenant.id, "projects"))); // 80, 90, 100 % at once
    const sent = mails.slice(before);
    expect(sent.map((m) => m.to[0]).sort()).toEqual([admin.email, owner.email].sort());
    expect(sent[0].body).toContain("of the projects quota used");
    expect(sent[0].body).toContain("/usage");
    const status = (await quotaStatus(tenant.id)).find((s) => s.key === "projects")!;
    expect(status).toMatchObject({ level: "exceeded", percent: 100 });
    // Released and consumed again in the same period: no second e-mail.
    await db.tenantQuota.update({ where: { tenantId: tenant.id }, data: { currentProjects: 7 } });
    await consumeQuota(tenant.id, "projects");
    expect(mails.length).toBe(before + 2);
    expect(await db.tenantQuotaWarning.count({ where: { tenantId: tenant.id, quota: "projects" } })).toBe(1);
  });
});
