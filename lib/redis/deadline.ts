/**
 * Deadlines for calls to Redis that measure Redis's time, not this process's.
 *
 * A plain `setTimeout` race is wrong in one common case: the event loop was busy (a route's
 * code loading on first use, a long GC, a CPU-starved machine) for longer than the deadline
 * while Redis's answer arrived. When the loop is free again, timers run before I/O is read,
 * so the timer wins and a timely answer counts as an outage — the rate limiter then counts
 * in process (a flooding workspace gets a second budget), the tenant directory skips its
 * cache, and an outage that never was is logged. ioredis's own `commandTimeout` has the
 * same flaw, so it is set long (ABANDONED_COMMAND_MS) and only frees the commands of a hung
 * connection; these deadlines decide.
 */

/** A timer this late means this process, not Redis, was busy. */
export const STALL_MS = 50;
/** How long an answer gets once the loop is free again after a stall. */
export const STALL_GRACE_MS = 250;
/** ioredis's per-command timeout: only so a hung connection does not keep commands forever. */
export const ABANDONED_COMMAND_MS = 10_000;

export class DeadlineExceededError extends Error {
  constructor(readonly deadlineMs: number) {
    super(`no answer within ${deadlineMs} ms`);
    this.name = "DeadlineExceededError";
  }
}

/**
 * `promise`, or DeadlineExceededError once `deadlineMs` have passed without an answer. A
 * timer that fires late first grants STALL_GRACE_MS (at most `deadlineMs`) of free loop; the
 * rejection itself waits for setImmediate, which runs after the poll phase has read any
 * answer already waiting on a socket.
 */
export async function withDeadline<T>(promise: Promise<T>, deadlineMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    const armedAt = performance.now();
    const expire = (graced: boolean) => {
      const late = performance.now() - armedAt - deadlineMs;
      if (!graced && late > STALL_MS) {
        timer = setTimeout(() => expire(true), Math.min(STALL_GRACE_MS, deadlineMs));
        return;
      }
      setImmediate(() => reject(new DeadlineExceededError(deadlineMs)));
    };
    timer = setTimeout(() => expire(false), deadlineMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
    // A late rejection of the abandoned call must not become an unhandled rejection.
    promise.catch(() => undefined);
  }
}
