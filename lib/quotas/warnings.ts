import { controlDb } from "@/lib/db/control";
import { sendMail } from "@/lib/mail/mailer";
import { platformOrigin, tenantOrigin } from "@/lib/tenancy/urls";
import { isoDay, usagePeriod } from "@/lib/usage/period";
import { BYTES_PER_MB, QUOTAS, type QuotaKey } from "./store";

/**
 * The 80 % warning: when a consume takes a quota to 80 % or more of its limit, the
 * tenant's owners and admins get ONE e-mail per quota and usage period. The record in
 * tenant_quota_warnings is inserted first (ON CONFLICT DO NOTHING), so of many concurrent
 * consumers exactly one sends; if the mail fails, the record is removed again so a later
 * consume retries. A warning never fails the consume that triggered it.
 */

export const WARNING_RATIO = 0.8;

function describe(key: QuotaKey, stored: number): string {
  if (key === "storage") return `${Math.round((stored * BYTES_PER_MB) / 1e6).toLocaleString("en-US")} MB`;
  return stored.toLocaleString("en-US");
}

export async function warnIfNearLimit(
  tenantId: string,
  key: QuotaKey,
  usedStored: number,
  limitStored: number,
  resetDay: number,
  now: Date,
): Promise<boolean> {
  if (limitStored <= 0 || usedStored / limitStored < WARNING_RATIO) return false;
  try {
    return await sendWarningOnce(tenantId, key, usedStored, limitStored, resetDay, now);
  } catch (error) {
    console.error(`[quotas] 80% warning for ${key} of tenant ${tenantId} failed`, error);
    return false;
  }
}

async function sendWarningOnce(
  tenantId: string,
  key: QuotaKey,
  usedStored: number,
  limitStored: number,
  resetDay: number,
  now: Date,
): Promise<boolean> {
  const db = await controlDb();
  const period = usagePeriod(now, resetDay);
  const percent = Math.min(100, Math.floor((usedStored / limitStored) * 100));
  const inserted = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO tenant_quota_warnings (tenant_id, quota, period_start, percent)
    VALUES (${tenantId}::uuid, ${key}, ${isoDay(period.start)}::date, ${percent})
    ON CONFLICT (tenant_id, quota, period_start) DO NOTHING
    RETURNING id`;
  const record = inserted[0];
  if (!record) return false;
  try {
    const tenant = await db.tenant.findUniqueOrThrow({
      where: { id: tenantId },
      include: {
        memberships: { where: { role: { in: ["owner", "admin"] } }, include: { user: true } },
        domains: { where: { isPrimary: true, isVerified: true, isActive: true, domainType: "custom" } },
      },
    });
    const def = QUOTAS[key];
    const usage = `${tenantOrigin({ slug: tenant.slug, primaryDomain: tenant.domains[0]?.domain ?? null })}/usage`;
    const text = [
      `${tenant.name} has used ${percent}% of its ${def.label.toLowerCase()} quota:`,
      `${describe(key, usedStored)} of ${describe(key, limitStored)}${def.monthly ? " in this usage period" : ""}.`,
      "",
      def.monthly
        ? `The counter resets on ${isoDay(period.next)}. When the limit is reached, further ${def.unit.replace(/ this month$/, "")} are refused until then.`
        : `When the limit is reached, new ${def.unit} are refused until some are removed.`,
      "",
      `Usage of the workspace: ${usage}`,
      `Raise the limit with a larger plan: ${platformOrigin()}/pricing`,
    ].join("\n");
    const recipients = [...new Set(tenant.memberships.map((m) => m.user.email))];
    for (const to of recipients)
      await sendMail({ to, subject: `${tenant.name}: ${percent}% of the ${def.label.toLowerCase()} quota used`, text });
    return true;
  } catch (error) {
    await db.tenantQuotaWarning.delete({ where: { id: record.id } }).catch(() => undefined);
    throw error;
  }
}

/** Whether the warning of `key` was sent for the period containing `now`. */
export async function warningSent(
  tenantId: string,
  key: QuotaKey,
  resetDay: number,
  now = new Date(),
): Promise<boolean> {
  const db = await controlDb();
  const period = usagePeriod(now, resetDay);
  const row = await db.tenantQuotaWarning.findUnique({
    where: { tenantId_quota_periodStart: { tenantId, quota: key, periodStart: period.start } },
  });
  return row !== null;
}
