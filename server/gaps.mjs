// Quarantined hosts are served in the gaps (server/front.mjs, decision 0016): the front
// forwards a quarantined host's call only when no other call is in progress anywhere behind
// it, one at a time, or once it has waited `maxWaitMs`. The overflow worker keeps their CPU
// time and garbage in its own process; this keeps it from overlapping the other workspaces'
// calls at all, on a machine whose cores the workers share. It is the request gate's rule
// for probes (decision 0015), one level up: a workspace over its limit is slowed, never
// starved, and the ones within their limits go first.

export const GAP_DEFAULTS = Object.freeze({
  /** Longest a quarantined call waits for a gap before it is forwarded anyway. */
  maxWaitMs: 250,
  /** Calls waiting at most; beyond, the front answers 503 with Retry-After. */
  maxWaiting: 1_000,
});

export function createGaps(options = {}) {
  const { maxWaitMs, maxWaiting } = { ...GAP_DEFAULTS, ...options };
  let regular = 0;
  let quarantined = 0;
  /** { start, timer } in arrival order. */
  const waiting = [];

  function launch(entry) {
    quarantined++;
    let done = false;
    entry.start(() => {
      if (done) return;
      done = true;
      quarantined--;
      drain();
    });
  }

  function drain() {
    while (waiting.length && regular === 0 && quarantined === 0) {
      const entry = waiting.shift();
      clearTimeout(entry.timer);
      launch(entry);
    }
  }

  return {
    /**
     * A call of a host within its limits: runs now. Call `finished` when its answer is sent
     * (or the client left); waiting quarantined calls go when nothing else is in progress.
     */
    regularStarted() {
      regular++;
      let done = false;
      return function finished() {
        if (done) return;
        done = true;
        regular--;
        drain();
      };
    },
    /**
     * A quarantined host's call: `start(finished)` runs now if nothing is in progress, else
     * in the next gap or after maxWaitMs. Returns false when too many wait (answer 503).
     */
    quarantinedArrived(start) {
      if (regular === 0 && quarantined === 0 && waiting.length === 0) {
        launch({ start });
        return true;
      }
      if (waiting.length >= maxWaiting) return false;
      const entry = { start, timer: undefined };
      entry.timer = setTimeout(() => {
        const index = waiting.indexOf(entry);
        if (index < 0) return;
        waiting.splice(index, 1);
        launch(entry);
      }, maxWaitMs);
      waiting.push(entry);
      return true;
    },
    stats() {
      return { regular, quarantined, waiting: waiting.length };
    },
  };
}
