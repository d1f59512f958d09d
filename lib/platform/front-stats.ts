import { randomUUID } from "node:crypto";
import type { FrontStats } from "@/server/front.mjs";

export type { FrontStats };

/** The front answers at once; a front too busy to answer within this is reported as such. */
const FRONT_STATS_TIMEOUT_MS = 1_000;
/** The IPC messages (server/front.mjs answers FRONT_STATS_REQUEST; a test keeps both equal). */
export const FRONT_STATS_REQUEST = "front-stats-request";
export const FRONT_STATS_REPLY = "front-stats";

/** Which worker of a front this process is (SERVER_WORKERS ≥ 2), or null for a single server. */
export function workerIndex(env: NodeJS.ProcessEnv = process.env): number | null {
  const index = Number(env.SERVER_WORKER_INDEX);
  return env.SERVER_WORKER_INDEX && Number.isInteger(index) && index >= 0 && typeof process.send === "function"
    ? index
    : null;
}

export type FrontStatsResult =
  | { kind: "single-process" }
  | { kind: "no-answer"; worker: number }
  | { kind: "front"; worker: number; stats: FrontStats };

/**
 * What only the front of several workers knows (server/front.mjs, decision 0016): every
 * worker, the workspaces quarantined on the overflow worker, the calls waiting for a gap.
 * Asked over the worker's IPC channel to the front; a process without one is a single server.
 */
export function frontStats(timeoutMs = FRONT_STATS_TIMEOUT_MS): Promise<FrontStatsResult> {
  const worker = workerIndex();
  if (worker === null) return Promise.resolve({ kind: "single-process" });
  const id = randomUUID();
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      const reply = message as { type?: unknown; id?: unknown; stats?: FrontStats } | null;
      if (reply?.type !== FRONT_STATS_REPLY || reply.id !== id || !reply.stats) return;
      done({ kind: "front", worker, stats: reply.stats });
    };
    const timer = setTimeout(() => done({ kind: "no-answer", worker }), timeoutMs);
    function done(result: FrontStatsResult): void {
      clearTimeout(timer);
      process.off("message", onMessage);
      resolve(result);
    }
    process.on("message", onMessage);
    process.send!({ type: FRONT_STATS_REQUEST, id }, undefined, undefined, (error) => {
      if (error) done({ kind: "no-answer", worker });
    });
  });
}
