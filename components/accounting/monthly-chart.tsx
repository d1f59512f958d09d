"use client";

import { formatMoneyRounded, formatMonth, type LocaleLike } from "./format";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface MonthPoint {
  month: string;
  invoiced: number;
  paid: number;
}

/** Monthly invoiced vs paid (major units) for the last 12 months, in the tenant's formats. */
export function MonthlyChart({ data, currency, locale }: { data: MonthPoint[]; currency: string; locale: LocaleLike }) {
  const money = (value: number) => formatMoneyRounded(value, currency, locale);
  const monthLabel = (month: string) => formatMonth(month, locale);
  return (
    <div className="h-72 w-full" data-testid="monthly-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="month" tickFormatter={monthLabel} fontSize={12} />
          <YAxis tickFormatter={money} fontSize={12} width={80} />
          <Tooltip formatter={(value) => money(Number(value))} labelFormatter={(label) => monthLabel(String(label))} />
          <Legend />
          <Bar dataKey="invoiced" name="Invoiced" fill="#94a3b8" radius={[4, 4, 0, 0]} />
          <Bar dataKey="paid" name="Paid" fill="var(--color-brand, #2563eb)" radius={[4, 4, 0, 0]} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
