import { fork, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FRONT_STATS_REPLY, FRONT_STATS_REQUEST, frontStats, type FrontStatsResult } from "@/lib/platform/front-stats";
import * as front from "../../server/front.mjs";

/**
 * A worker's admin page asks the front (server/front.mjs) for what only the front knows,
 * over the worker's real IPC channel: test/support/ask-front.mjs is the worker, this test
 * plays the front. The real front answering is in test/server/front.test.ts and
 * e2e/workers.spec.ts.
 */

const ASK = fileURLToPath(new URL("../support/ask-front.mjs", import.meta.url));

const STATS = {
  workers: [
    { index: 0, role: "regular", pid: 11, up: true, startedAt: 1, restarts: 0 },
    { index: 1, role: "overflow", pid: 12, up: true, startedAt: 2, restarts: 1 },
  ],
  quarantined: [{ host: "globex.example.test", since: 3, lastRefusal: 4, releaseAt: 300_004 }],
  gaps: { regular: 2, quarantined: 1, waiting: 5 },
  at: 5,
};

/** Forks the worker with SERVER_WORKER_INDEX=1; `answer` decides how the "front" replies. */
function askAsWorker(answer: (id: string) => unknown[]): Promise<FrontStatsResult> {
  return new Promise((resolve, reject) => {
    const child = fork(ASK, [], {
      env: { ...process.env, SERVER_WORKER_INDEX: "1", ASK_TIMEOUT_MS: "300" },
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.on("message", (message: { type: string; id?: string; result?: FrontStatsResult }) => {
      if (message.type === FRONT_STATS_REQUEST) for (const reply of answer(message.id!)) child.send(reply as object);
      if (message.type === "asked") resolve(message.result!);
    });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`the worker exited with ${code}`))));
  });
}

describe("what a worker learns from its front", () => {
  it("the front's answer to its own request: every worker, the quarantined hosts, the waiting calls", async () => {
    const result = await askAsWorker((id) => [
      // Answers to other requests (another page asking at the same time) are not taken for its own.
      { type: FRONT_STATS_REPLY, id: "someone-else", stats: { ...STATS, at: 999 } },
      { type: "listening", port: 1 },
      { type: FRONT_STATS_REPLY, id, stats: STATS },
    ]);
    expect(result).toEqual({ kind: "front", worker: 1, stats: STATS });
  });

  it("a front that does not answer: says so after the timeout instead of hanging the page", async () => {
    expect(await askAsWorker(() => [])).toEqual({ kind: "no-answer", worker: 1 });
  });

  it("a single server (no front, no SERVER_WORKER_INDEX) says so without asking anyone", async () => {
    expect(await frontStats()).toEqual({ kind: "single-process" });
    const run = spawnSync(process.execPath, ["--import", "tsx", ASK], {
      env: { ...process.env, SERVER_WORKER_INDEX: "0" },
      encoding: "utf8",
    });
    // Without an IPC channel a worker index alone is not a front.
    expect(JSON.parse(run.stdout)).toEqual({ kind: "single-process" });
  });

  it("speaks the front's messages", () => {
    expect([FRONT_STATS_REQUEST, FRONT_STATS_REPLY]).toEqual([front.FRONT_STATS_REQUEST, front.FRONT_STATS_REPLY]);
  });
});
