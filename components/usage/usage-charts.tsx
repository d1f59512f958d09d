"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { UsageHistory } from "@/lib/usage/usage";
import { formatFigure } from "./format";

/** One chart per metric: its figure in each of the last usage periods (oldest first). */
export function UsageCharts({ history }: { history: UsageHistory[] }) {
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      {history.map((metric) => (
        <section
          key={metric.metric}
          className="rounded-xl bg-white p-4 shadow-sm"
          data-testid={`usage-chart-${metric.metric}`}
        >
          <h3 className="font-medium">{metric.label}</h3>
          <div className="mt-2 h-48 w-full">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={metric.points} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="periodStart" tickFormatter={(day: string) => day.slice(0, 7)} fontSize={11} />
                <YAxis
                  tickFormatter={(value: number) => formatFigure(value, metric.unit)}
                  fontSize={11}
                  width={64}
                  allowDecimals={false}
                />
                <Tooltip
                  formatter={(value) => formatFigure(Number(value), metric.unit)}
                  labelFormatter={(label, payload) => {
                    const point = payload?.[0]?.payload as { periodStart: string; periodEnd: string } | undefined;
                    return point ? `${point.periodStart} – ${point.periodEnd}` : String(label);
                  }}
                />
                <Bar dataKey="value" name={metric.label} fill="var(--color-brand, #2563eb)" radius={[4, 4, 0, 0]} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </section>
      ))}
    </div>
  );
}
