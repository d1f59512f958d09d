-- Quotas and usage (lib/quotas, lib/usage; docs/quotas-and-usage.md).
--
-- 1. The monthly counters (API calls, invoices) belong to a usage period that starts on
--    usage_reset_day; usage_period_start records which period they count, so the
--    check-and-increment can refuse to add to a stale period and roll it over first.
--    A reset day may be 1–31: a month without that day resets on its last day.
ALTER TABLE tenant_quotas DROP CONSTRAINT IF EXISTS tenant_quotas_usage_reset_day_check;
ALTER TABLE tenant_quotas ADD CONSTRAINT tenant_quotas_usage_reset_day_check
  CHECK (usage_reset_day BETWEEN 1 AND 31);
ALTER TABLE tenant_quotas ADD COLUMN usage_period_start date;

-- 2. History: one row per tenant, metric and period, written as absolute values, so a
--    flush can be repeated (upsert on this key) without counting anything twice.
CREATE UNIQUE INDEX tenant_usage_logs_tenant_metric_period_key
  ON tenant_usage_logs (tenant_id, metric_type, period_start);

-- 3. The 80% warning e-mail goes out once per tenant, quota and period: the row is
--    inserted before the mail is sent (ON CONFLICT DO NOTHING decides who sends it).
CREATE TABLE tenant_quota_warnings (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  quota        varchar(50) NOT NULL,
  period_start date NOT NULL,
  percent      integer NOT NULL,
  sent_at      timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT tenant_quota_warnings_tenant_quota_period_key UNIQUE (tenant_id, quota, period_start)
);
