import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createGaps, GAP_DEFAULTS } from "../../server/gaps.mjs";

/**
 * A quarantined host's calls are forwarded in the gaps (server/gaps.mjs): never while another
 * call is in progress, one at a time, and never later than maxWaitMs after they arrived.
 */

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A quarantined call that records when it started and can be finished by the test. */
function quarantinedCall(gaps: ReturnType<typeof createGaps>, log: string[], name: string) {
  const call = { finish: () => {}, accepted: false };
  call.accepted = gaps.quarantinedArrived((finished) => {
    log.push(`${name} started`);
    call.finish = finished;
  });
  return call;
}

describe("quarantined calls in the gaps", () => {
  it("runs a quarantined call at once when nothing else is in progress", () => {
    const gaps = createGaps();
    const log: string[] = [];
    quarantinedCall(gaps, log, "flood 1");
    expect(log).toEqual(["flood 1 started"]);
  });

  it("holds a quarantined call while another workspace's call is in progress, and starts it when that ends", () => {
    const gaps = createGaps();
    const log: string[] = [];
    const finishRegular = gaps.regularStarted();
    quarantinedCall(gaps, log, "flood 1");
    expect(log).toEqual([]);
    expect(gaps.stats()).toEqual({ regular: 1, quarantined: 0, waiting: 1 });
    finishRegular();
    expect(log).toEqual(["flood 1 started"]);
  });

  it("runs quarantined calls one at a time, in arrival order", () => {
    const gaps = createGaps();
    const log: string[] = [];
    const first = quarantinedCall(gaps, log, "flood 1");
    quarantinedCall(gaps, log, "flood 2");
    quarantinedCall(gaps, log, "flood 3");
    expect(log).toEqual(["flood 1 started"]);
    first.finish();
    // Finishing twice (an answer and then its connection closing) releases one slot only.
    first.finish();
    expect(log).toEqual(["flood 1 started", "flood 2 started"]);
  });

  it("never holds a quarantined call longer than maxWaitMs: slowed, not starved", () => {
    const gaps = createGaps();
    const log: string[] = [];
    gaps.regularStarted(); // a call that never ends
    quarantinedCall(gaps, log, "flood 1");
    vi.advanceTimersByTime(GAP_DEFAULTS.maxWaitMs - 1);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(["flood 1 started"]);
  });

  it("refuses a quarantined call when too many are waiting already", () => {
    const gaps = createGaps({ maxWaiting: 3 });
    const log: string[] = [];
    gaps.regularStarted();
    const calls = Array.from({ length: 5 }, (_, i) => quarantinedCall(gaps, log, `flood ${i + 1}`));
    expect(calls.map((call) => call.accepted)).toEqual([true, true, true, false, false]);
    expect(gaps.stats().waiting).toBe(3);
  });

  it("never holds the calls of hosts within their limits", () => {
    const gaps = createGaps();
    const log: string[] = [];
    quarantinedCall(gaps, log, "flood 1"); // in progress, never finished
    const finishRegular = gaps.regularStarted();
    expect(gaps.stats()).toEqual({ regular: 1, quarantined: 1, waiting: 0 });
    finishRegular();
    finishRegular();
    expect(gaps.stats().regular).toBe(0);
  });
});
