import { z } from "zod";
import { USAGE_METRICS, type UsageMetric } from "@/lib/quotas/store";

/** Query of GET /api/v1/tenant/usage/history: `?metric=api_calls,invoices&periods=6`. */

export const MAX_HISTORY_PERIODS = 12;

const metricList = z
  .string()
  .max(200, "metric is too long")
  .transform((value, ctx) => {
    const names = value
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean);
    const unknown = names.filter((name) => !(USAGE_METRICS as readonly string[]).includes(name));
    if (names.length === 0 || unknown.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `Use one or more of ${USAGE_METRICS.join(", ")} (comma-separated)`,
      });
      return z.NEVER;
    }
    return [...new Set(names)] as UsageMetric[];
  });

export const usageHistoryQuerySchema = z
  .object({
    metric: z.preprocess((v) => (v === "" ? undefined : v), metricList.optional()),
    periods: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.coerce
        .number({ error: "periods must be a number" })
        .int("periods must be a whole number")
        .min(1, `periods must be between 1 and ${MAX_HISTORY_PERIODS}`)
        .max(MAX_HISTORY_PERIODS, `periods must be between 1 and ${MAX_HISTORY_PERIODS}`)
        .default(MAX_HISTORY_PERIODS),
    ),
  })
  .strict();

export interface UsageHistoryQuery {
  metrics: UsageMetric[];
  periods: number;
}

/** Parses the query (a ZodError, i.e. a 422 naming the field, when it is wrong). */
export function parseUsageHistoryQuery(query: Record<string, string>): UsageHistoryQuery {
  const parsed = usageHistoryQuerySchema.parse(query);
  return { metrics: parsed.metric ?? [...USAGE_METRICS], periods: parsed.periods };
}
