import { randomUUID } from "node:crypto";
import { RateLimitedError } from "@/lib/http/errors";
import { problemResponse } from "@/lib/http/problem";
import type { RateLimiter } from "@/lib/rate-limit/limiter";
import { enforceRateLimit, type RateLimitSubject, type ScopedDecision } from "@/lib/rate-limit/rate-limit";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits, if needed, until at least `needMs` of the current fixed window remain, so a burst
 * of requests does not straddle two windows (the sliding window would then count the
 * first window's requests at a weight below 1, and let a request or two more through).
 */
export async function startOfWindow(windowMs: number, needMs: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await sleep(left + 5);
}

export type Outcome = { allowed: true; decision: ScopedDecision } | { allowed: false; response: Response };

/** One request through the rate limit, answered like lib/http/tenant-route.ts would. */
export async function attempt(subject: RateLimitSubject, limiter: RateLimiter, scale = 1): Promise<Outcome> {
  try {
    return { allowed: true, decision: await enforceRateLimit(subject, { limiter, scale }) };
  } catch (error) {
    if (!(error instanceof RateLimitedError)) throw error;
    return { allowed: false, response: problemResponse(error) };
  }
}

/** `count` requests one after another; returns the outcomes in order. */
export async function burst(count: number, subject: RateLimitSubject, limiter: RateLimiter): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (let i = 0; i < count; i++) outcomes.push(await attempt(subject, limiter));
  return outcomes;
}

export const allowedCount = (outcomes: Outcome[]) => outcomes.filter((o) => o.allowed).length;

export function workspace(tier: string): RateLimitSubject {
  return { tenantId: randomUUID(), tier };
}

/** A recording logger for the fallback's one-line messages. */
export function recordingLog(): { log: (message: string) => void; messages: string[] } {
  const messages: string[] = [];
  return { messages, log: (message) => messages.push(message) };
}
