import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
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
 *    first; the one over its limit is served in the gaps.
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
}

interface WaitingProbe {
  response: ServerResponse;
  run: () => void;
  since: number;
}

export function createRequestGate(options: RequestGateOptions = {}): RequestGate & { stats(): RequestGateStats } {
  const yieldMaxMs = options.yieldMaxMs ?? YIELD_MAX_MS;
  const now = options.now ?? Date.now;
  let inProgress = 0;
  let yielding = 0;
  const waiting: WaitingProbe[] = [];
  let timer: NodeJS.Timeout | null = null;

  const startProbe = (probe: WaitingProbe) => {
    // The client gave up while waiting: nothing to run.
    if (probe.response.destroyed) return;
    yielding++;
    probe.response.once("close", () => {
      yielding--;
      schedule();
    });
    probe.run();
  };

  function schedule(): void {
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
      const { status, headers, body } = problemParts(standing.error);
      response.writeHead(status, { ...SECURITY_HEADERS, ...headers });
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
  return Object.assign(gate, { stats: () => ({ inProgress, yielding, waiting: waiting.length }) });
}

/** Makes the process's gate reachable for server.mjs (once per process, at start-up). */
export function installRequestGate(): void {
  const holder = globalThis as Record<symbol, unknown>;
  holder[REQUEST_GATE] ??= createRequestGate();
}
