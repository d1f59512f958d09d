import Link from "next/link";
import type { QuotaStatus } from "@/lib/quotas/quotas";

/** The tenant admin's warning across the workspace when a quota is at 80 % or more. */
export function QuotaBanner({ quotas, upgradeUrl }: { quotas: QuotaStatus[]; upgradeUrl: string }) {
  if (quotas.length === 0) return null;
  const exceeded = quotas.some((q) => q.level === "exceeded");
  const names = quotas.map((q) => `${q.label.toLowerCase()} (${q.percent}%)`).join(", ");
  return (
    <div
      role="status"
      data-testid="quota-banner"
      className={exceeded ? "bg-red-50 text-red-900" : "bg-amber-50 text-amber-900"}
    >
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-2 px-6 py-2 text-sm">
        <span>
          {exceeded ? "A limit of your plan is reached: " : "Your workspace is close to its plan's limits: "}
          {names}.
        </span>
        <span className="flex gap-4">
          <Link href="/usage" className="font-medium underline">
            See usage
          </Link>
          <a href={upgradeUrl} className="font-medium underline">
            Upgrade the plan
          </a>
        </span>
      </div>
    </div>
  );
}
