import { Details } from "@/components/accounting/list-controls";
import type { FrontStatsResult } from "@/lib/platform/front-stats";

const time = (epochMs: number) => new Date(epochMs).toISOString().slice(11, 19);

/** /admin/connections: the front of several workers (decision 0016), or why there is none. */
export function FrontSection({ front }: { front: FrontStatsResult }) {
  if (front.kind === "single-process")
    return (
      <p className="mt-2 text-sm text-slate-600">
        One server process (SERVER_WORKERS unset or 1): no front, no overflow worker.
      </p>
    );
  if (front.kind === "no-answer")
    return (
      <p className="mt-2 text-sm text-amber-700">
        Worker {front.worker} asked the front for its state and got no answer within a second.
      </p>
    );
  const { stats } = front;
  return (
    <div data-testid="front">
      <p className="mt-2 text-sm text-slate-600">
        This page was served by worker {front.worker}; the gauges above are that worker&apos;s own.
      </p>
      <table className="mt-3 w-full rounded-xl bg-white text-left text-sm shadow-sm" data-testid="front-workers">
        <thead className="border-b border-slate-200 text-slate-500">
          <tr>
            <th className="px-4 py-2">Worker</th>
            <th className="py-2 pr-4">Role</th>
            <th className="py-2 pr-4">Process</th>
            <th className="py-2 pr-4">State</th>
            <th className="py-2 pr-4">Started (UTC)</th>
            <th className="py-2 pr-4">Restarts</th>
          </tr>
        </thead>
        <tbody>
          {stats.workers.map((worker) => (
            <tr key={worker.index} className="border-b border-slate-100 last:border-0">
              <td className="px-4 py-2">{worker.index}</td>
              <td className="py-2 pr-4">{worker.role === "overflow" ? "overflow (lower priority)" : "regular"}</td>
              <td className="py-2 pr-4">{worker.pid ?? "—"}</td>
              <td className="py-2 pr-4">{worker.up ? "listening" : "starting"}</td>
              <td className="py-2 pr-4">{time(worker.startedAt)}</td>
              <td className="py-2 pr-4">{worker.restarts}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3 className="mt-4 font-semibold">Hosts on the overflow worker</h3>
      {stats.quarantined.length === 0 ? (
        <p className="mt-1 text-sm text-slate-600">None: no workspace keeps hitting its rate limit.</p>
      ) : (
        <table className="mt-2 w-full rounded-xl bg-white text-left text-sm shadow-sm" data-testid="front-quarantined">
          <thead className="border-b border-slate-200 text-slate-500">
            <tr>
              <th className="px-4 py-2">Host</th>
              <th className="py-2 pr-4">Since (UTC)</th>
              <th className="py-2 pr-4">Latest 429</th>
              <th className="py-2 pr-4">Back on its own worker at</th>
            </tr>
          </thead>
          <tbody>
            {stats.quarantined.map((entry) => (
              <tr key={entry.host} className="border-b border-slate-100 last:border-0">
                <td className="px-4 py-2 font-mono">{entry.host}</td>
                <td className="py-2 pr-4">{time(entry.since)}</td>
                <td className="py-2 pr-4">{time(entry.lastRefusal)}</td>
                <td className="py-2 pr-4">{time(entry.releaseAt)} at the earliest</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Details
        items={[
          { label: "Calls within their limits in progress", value: stats.gaps.regular },
          { label: "Quarantined calls in progress", value: stats.gaps.quarantined },
          { label: "Quarantined calls waiting for a gap", value: stats.gaps.waiting },
        ]}
      />
    </div>
  );
}
