import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { RateLimitedError } from "@/lib/http/errors";
import { problemParts } from "@/lib/http/problem";
import { SECURITY_HEADERS } from "@/lib/http/security-headers";
import { isApiPath } from "@/lib/tenancy/resolver";
import { credentialKey, rateLimitStanding, type HeaderReader, type RateLimitStanding } from "./rate-limit";

/**
 * The request gate: server.mjs hands it every request before Next sees it. Two jobs, both
 * about one workspace flooding the API while the others share this process's one event loop
 * (decision 0015, bench/noisy-neighbour.ts):
 *
 * 1. A call whose credential the rate limit refused moments ago gets its 429 right here
 *    (the refusal memory of ./rate-limit.ts) — a hash and two map lookups instead of a trip
 *    through Next's router, proxy.ts and the route (about a millisecond of the event loop).
 * 2. A workspace's probe — the one call let through after a refusal to see whether its
 *    budget has room again — YIELDS: it starts when no other request is in progress (or
 *    after yieldMaxMs at the latest), one at a time. The workspaces within their limits go
 *    first; the one over its limit is served in the gaps. A request that arrives while a
 *    probe runs would share the event loop with the rest of it (a few milliseconds), so a
 *    running probe also yields at its checkpoints (`yieldToOtherRequests()`: proxy.ts and
 *    the steps of lib/http/tenant-route.ts, never inside a transaction): it pauses there
 *    until the requests in progress are done. Starting and pausing together wait at most
 *    yieldMaxMs per probe, so a busy server slows a flooding workspace but never starves it.
 *
 * Everything else passes at once. Installed on globalThis (instrumentation.ts) because
 * server.mjs is plain Node and the refusal memory lives in the app's bundle; both run in
 * the same process.
 */

export type RequestGate = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

export const REQUEST_GATE = Symbol.for("logiaccounting.requestGate");

/** How long a yielding probe waits for a gap at most (so a busy server cannot starve it). */
export const YIELD_MAX_MS = 250;

/** Node's raw headers read like the Fetch API's (a repeated header joined, as Fetch does). */
export function readNodeHeaders(headers: IncomingHttpHeaders): HeaderReader {
  return {
    get(name) {
      const value = headers[name];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

/** The standing of an API call's credential; pages, assets and credential-less calls are always clear. */
export function standingOf(url: string | undefined, headers: IncomingHttpHeaders, now?: number): RateLimitStanding {
  if (!url) return { kind: "clear" };
  const query = url.indexOf("?");
  if (!isApiPath(query < 0 ? url : url.slice(0, query))) return { kind: "clear" };
  return rateLimitStanding(credentialKey(readNodeHeaders(headers)), now);
}

export interface RequestGateOptions {
  yieldMaxMs?: number;
  now?: () => number;
}

export interface RequestGateStats {
  /** Requests in progress that did not yield. */
  inProgress: number;
  /** Probes in progress. */
  yielding: number;
  /** Probes waiting for a gap. */
  waiting: number;
  /** Probes in progress, paused at a checkpoint until the others are done. */
  paused: number;
}

interface WaitingProbe {
  response: ServerResponse;
  run: () => void;
  since: number;
}

/** What a running probe's checkpoints consult: when it arrived and its gate. */
interface RunningProbe {
  since: number;
  pause(since: number): Promise<void> | undefined;
}

// On globalThis: proxy.ts and the route handlers may be bundled apart from the gate's module.
const PROBE_STORAGE = Symbol.for("logiaccounting.requestGate.probe");
const probeStorage = ((globalThis as Record<symbol, AsyncLocalStorage<RunningProbe> | undefined>)[PROBE_STORAGE] ??=
  new AsyncLocalStorage<RunningProbe>());

/**
 * A running probe's checkpoint: resolves when no other request is in progress (or when the
 * probe has waited yieldMaxMs in all). Anything else — not a probe, not behind server.mjs —
 * goes on at once (undefined: nothing to await). Call it only where the request holds no
 * database connection, lock or transaction: a paused probe must not hold up the others.
 */
export function yieldToOtherRequests(): Promise<void> | undefined {
  const probe = probeStorage.getStore();
  return probe?.pause(probe.since);
}

export function createRequestGate(options: RequestGateOptions = {}): RequestGate & { stats(): RequestGateStats } {
  const yieldMaxMs = options.yieldMaxMs ?? YIELD_MAX_MS;
  const now = options.now ?? Date.now;
  let inProgress = 0;
  let yielding = 0;
  const waiting: WaitingProbe[] = [];
  const paused: { resume: () => void; until: number }[] = [];
  let timer: NodeJS.Timeout | null = null;
  let pauseTimer: NodeJS.Timeout | null = null;

  const pause = (since: number): Promise<void> | undefined => {
    const until = since + yieldMaxMs;
    if (inProgress === 0 || now() >= until) return undefined;
    return new Promise<void>((resume) => {
      paused.push({ resume, until });
      resumePaused();
    });
  };

  function resumePaused(): void {
    for (let i = 0; i < paused.length;) {
      if (inProgress === 0 || now() >= paused[i].until) paused.splice(i, 1)[0].resume();
      else i++;
    }
    if (pauseTimer) clearTimeout(pauseTimer);
    pauseTimer = null;
    if (paused.length) {
      const next = Math.min(...paused.map((p) => p.until));
      // Outside the probe's context: the timer is the gate's, not the request's.
      pauseTimer = probeStorage.exit(() => setTimeout(resumePaused, Math.max(1, next - now())));
      pauseTimer.unref();
    }
  }

  const startProbe = (probe: WaitingProbe) => {
    // The client gave up while waiting: nothing to run.
    if (probe.response.destroyed) return;
    yielding++;
    probe.response.once("close", () => {
      yielding--;
      schedule();
    });
    probeStorage.run({ since: probe.since, pause }, probe.run);
  };

  function schedule(): void {
    if (paused.length && inProgress === 0) resumePaused();
    while (waiting.length) {
      const waited = now() - waiting[0].since;
      const gap = inProgress === 0 && yielding === 0;
      if (!gap && waited < yieldMaxMs) break;
      startProbe(waiting.shift()!);
    }
    if (waiting.length && !timer) {
      timer = setTimeout(
        () => {
          timer = null;
          schedule();
        },
        Math.max(1, yieldMaxMs - (now() - waiting[0].since)),
      );
      timer.unref();
    }
  }

  const gate: RequestGate = (request, response, next) => {
    const standing = standingOf(request.url, request.headers, now());
    if (standing.kind === "refused") {
      const { status, headers, body } = answerOf(standing.error);
      response.writeHead(status, headers);
      response.end(body);
      return;
    }
    if (standing.kind === "probe") {
      waiting.push({ response, run: next, since: now() });
      schedule();
      return;
    }
    inProgress++;
    response.once("close", () => {
      inProgress--;
      schedule();
    });
    next();
  };
  return Object.assign(gate, {
    stats: () => ({ inProgress, yielding, waiting: waiting.length, paused: paused.length }),
  });
}

// The refusal memory hands out the same error while its Retry-After holds; so is its answer.
const answers = new WeakMap<RateLimitedError, { status: number; headers: Record<string, string>; body: string }>();

function answerOf(error: RateLimitedError) {
  let answer = answers.get(error);
  if (!answer) {
    const { status, headers, body } = problemParts(error);
    answer = { status, headers: { ...SECURITY_HEADERS, ...headers }, body };
    answers.set(error, answer);
  }
  return answer;
}

/** Makes the process's gate reachable for server.mjs (once per process, at start-up). */
export function installRequestGate(): void {
  const holder = globalThis as Record<symbol, unknown>;
  holder[REQUEST_GATE] ??= createRequestGate();
}

/** The process's gate's counters, or null when no gate runs in front of Next (`next dev`, plain `next start`). */
export function requestGateStats(): RequestGateStats | null {
  const gate = (globalThis as Record<symbol, unknown>)[REQUEST_GATE] as { stats?: () => RequestGateStats } | undefined;
  return gate?.stats ? gate.stats() : null;
}
