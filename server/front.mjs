// The front process of a multi-worker server (SERVER_WORKERS ≥ 2, decision 0016): it starts
// the workers (each a complete app: Next, the request gate, its own heap and garbage
// collector) and forwards every request to the worker server/placement.mjs picks. It does
// nothing else — no Next, no database — so the only garbage it makes is the forwarding's,
// and a flooding workspace quarantined on the overflow worker cannot pause the others'.
//
// The workers see what a single server would: the Host and every header as sent, plus the
// X-Forwarded-* headers Next itself adds when they are absent (the client's address, the
// public port), so TRUSTED_PROXY_HOPS and Auth.js's URLs mean the same with or without
// the front. Hop-by-hop headers stop here, in both directions (RFC 9110 §7.6.1).
import { fork } from "node:child_process";
import { readdirSync } from "node:fs";
import { Agent, createServer, request as httpRequest } from "node:http";
import { setPriority } from "node:os";
import { createGaps } from "./gaps.mjs";
import { createPlacement } from "./placement.mjs";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * The overflow worker's niceness: when the machine is busy, the workspaces within their
 * limits get the CPU first and the quarantined ones the rest (as the request gate lets a
 * probe wait for a gap). 10 is what `nice` uses by default; an unprivileged process may
 * always lower its own children's priority.
 */
export const OVERFLOW_NICENESS = 10;

/** Every thread of a process (V8's and libuv's helpers too: Linux sets priority per thread). */
function lowerPriority(pid, niceness) {
  let threads = [pid];
  try {
    threads = readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    // Not Linux: setpriority applies to the whole process there.
  }
  for (const thread of threads) {
    try {
      setPriority(thread, niceness);
    } catch {
      // A thread that has just exited.
    }
  }
}

/**
 * The security headers of every answer (lib/http/security-headers.ts, which plain Node cannot
 * import), on the few the front gives itself; test/server/front.test.ts keeps the two equal.
 */
export const SECURITY_HEADERS = Object.freeze({
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
  "Cross-Origin-Opener-Policy": "same-origin",
});

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS"]);
/** IPC between a worker and the front (lib/platform/front-stats.ts sends the request). */
export const FRONT_STATS_REQUEST = "front-stats-request";
export const FRONT_STATS_REPLY = "front-stats";
const RESTART_DELAY_MS = 1_000;
const STOP_GRACE_MS = 5_000;

function problem(response, status, title, detail, retryAfterSeconds) {
  const body = JSON.stringify({ type: "about:blank", title, status, detail });
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    "content-type": "application/problem+json",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    ...(retryAfterSeconds ? { "retry-after": String(retryAfterSeconds) } : {}),
  });
  response.end(body);
}

/** Request headers for the worker: the client's, minus hop-by-hop, plus what Next would add. */
function forwardedHeaders(request, publicPort) {
  const headers = {};
  const named = new Set(
    String(request.headers.connection ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase()),
  );
  for (const [name, value] of Object.entries(request.headers)) {
    if (!HOP_BY_HOP.has(name) && !named.has(name)) headers[name] = value;
  }
  headers["x-forwarded-host"] ??= request.headers.host;
  headers["x-forwarded-port"] ??= String(publicPort);
  headers["x-forwarded-proto"] ??= request.socket.encrypted ? "https" : "http";
  headers["x-forwarded-for"] ??= request.socket.remoteAddress;
  return headers;
}

/** Response headers for the client, as raw pairs (repeated Set-Cookie kept), minus hop-by-hop. */
function returnedHeaders(upstream) {
  const raw = upstream.rawHeaders;
  const headers = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!HOP_BY_HOP.has(raw[i].toLowerCase())) headers.push(raw[i], raw[i + 1]);
  }
  return headers;
}

/**
 * Why these settings cannot run several workers, or null. Each worker is a process of its
 * own: an embedded PGlite database, in-process rate limits and usage counters would each
 * be N separate ones (a workspace moved to the overflow worker would find a fresh budget).
 */
export function multiWorkerProblem(env) {
  if (!env.DATABASE_URL) return "several workers need a shared database: set DATABASE_URL (PostgreSQL).";
  if (!env.REDIS_URL && !env.UPSTASH_REDIS_REST_URL)
    return "several workers need shared rate limits and usage counters: set REDIS_URL or UPSTASH_REDIS_REST_URL.";
  return null;
}

/**
 * Starts `workers` processes of `workerScript` and a server on `port` that forwards to them.
 * A worker must listen on 127.0.0.1 and report `{ type: "listening", port }` over IPC. A worker
 * that exits is started again; while it is down its hosts go to another worker.
 */
export async function startFront({
  port,
  hostname,
  workers,
  workerScript,
  env = process.env,
  execArgv = process.execArgv,
  placement: placementOptions = {},
  overflowNiceness = OVERFLOW_NICENESS,
  gaps: gapOptions = {},
  log = (line) => console.log(line),
}) {
  const placement = createPlacement({
    workers,
    onChange: (host, change) =>
      log(
        change === "quarantined"
          ? `[front] ${host} keeps hitting its rate limit: served by the overflow worker ${workers - 1}`
          : `[front] ${host} is back within its rate limit: served by its own worker again`,
      ),
    ...placementOptions,
  });
  const gaps = createGaps(gapOptions);
  const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });
  /** index → { child, port | null } */
  const pool = [];
  let stopping = false;
  let listeningPort = port;

  function spawnWorker(index) {
    const child = fork(workerScript, [], {
      env: { ...env, SERVER_WORKER_INDEX: String(index), PORT: String(listeningPort) },
      execArgv,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const slot = { child, port: null, startedAt: Date.now(), restarts: pool[index] ? pool[index].restarts + 1 : 0 };
    pool[index] = slot;
    const ready = new Promise((resolve, reject) => {
      child.on("message", (message) => {
        if (message && message.type === "listening" && Number.isInteger(message.port)) {
          if (index === placement.overflow) lowerPriority(child.pid, overflowNiceness);
          slot.port = message.port;
          resolve();
        } else if (message && message.type === FRONT_STATS_REQUEST && child.connected) {
          // A worker's admin page asks what only the front knows (lib/platform/front-stats.ts).
          child.send({ type: FRONT_STATS_REPLY, id: message.id, stats: stats() });
        }
      });
      child.once("exit", (code, signal) => {
        slot.port = null;
        reject(new Error(`worker ${index} exited before it listened (${signal ?? code})`));
        if (stopping) return;
        log(`[front] worker ${index} exited (${signal ?? code}); starting it again`);
        setTimeout(() => {
          if (!stopping) spawnWorker(index).catch((error) => log(`[front] ${error.message}`));
        }, RESTART_DELAY_MS).unref();
      });
    });
    return ready;
  }

  /** What the operator sees on /admin/connections of any worker: the workers, quarantine, the gaps. */
  function stats() {
    return {
      workers: pool.map((slot, index) => ({
        index,
        role: index === placement.overflow ? "overflow" : "regular",
        pid: slot.child.pid ?? null,
        up: slot.port !== null,
        startedAt: slot.startedAt,
        restarts: slot.restarts,
      })),
      quarantined: placement.quarantinedHosts(),
      gaps: gaps.stats(),
      at: Date.now(),
    };
  }

  /** The chosen worker if it is up, else the first one that is (availability over affinity). */
  function upstreamPort(index, failedPort = null) {
    const chosen = pool[index]?.port;
    if (chosen && chosen !== failedPort) return chosen;
    return pool.find((slot) => slot?.port && slot.port !== failedPort)?.port ?? null;
  }

  const server = createServer((request, response) => {
    const host = request.headers.host;
    const worker = placement.workerFor(host);
    const target = upstreamPort(worker);
    if (!target) {
      problem(response, 503, "Service Unavailable", "The server is starting; try again in a moment.", 1);
      request.resume();
      return;
    }
    if (worker !== placement.overflow) {
      response.once("close", gaps.regularStarted());
      forward(request, response, host, target, true);
      return;
    }
    let gone = false;
    response.once("close", () => (gone = true));
    const accepted = gaps.quarantinedArrived((finished) => {
      if (gone) return finished();
      response.once("close", finished);
      forward(request, response, host, upstreamPort(worker) ?? target, true);
    });
    if (!accepted) {
      problem(response, 503, "Service Unavailable", "Too many calls of this host are waiting; slow down.", 1);
      request.resume();
    }
  });

  /**
   * One trip to a worker. A call without a body whose worker connection failed before any
   * answer is sent once more, to whichever worker is up: when the connection was refused (the
   * worker just died; the call never reached the app), and for GET, HEAD and OPTIONS when a
   * reused connection was reset (they may be repeated, RFC 9110 §9.2.2). Anything else that
   * fails answers 502: a POST is never sent twice.
   */
  function forward(request, response, host, target, mayRetry) {
    const bodiless = !request.headers["transfer-encoding"] && !Number(request.headers["content-length"] || 0);
    const upstream = httpRequest({
      host: "127.0.0.1",
      port: target,
      method: request.method,
      path: request.url,
      headers: forwardedHeaders(request, listeningPort),
      agent,
    });
    upstream.on("response", (answer) => {
      placement.record(host, answer.statusCode);
      response.writeHead(answer.statusCode, answer.statusMessage, returnedHeaders(answer));
      answer.pipe(response);
    });
    upstream.on("error", (error) => {
      const refused = error.code === "ECONNREFUSED";
      const staleConnection = error.code === "ECONNRESET" && upstream.reusedSocket && IDEMPOTENT.has(request.method);
      if (mayRetry && bodiless && (refused || staleConnection) && !response.headersSent) {
        const other = upstreamPort(placement.workerFor(host), target);
        if (other) return forward(request, response, host, other, false);
      }
      if (!response.headersSent) problem(response, 502, "Bad Gateway", "The worker serving this host did not answer.");
      else response.destroy();
    });
    // A client that goes away mid-answer releases the worker's connection too.
    response.on("close", () => {
      if (!response.writableFinished) upstream.destroy();
    });
    if (bodiless) {
      upstream.end();
      request.resume();
    } else request.pipe(upstream);
  }

  server.keepAliveTimeout = Number(env.KEEP_ALIVE_TIMEOUT_MS || 5_000);

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      listeningPort = server.address().port;
      resolve();
    });
  });
  // One after the other: the first worker migrates the database and seeds what is missing;
  // the others then find it done instead of racing it.
  for (let index = 0; index < workers; index++) await spawnWorker(index);

  async function stop() {
    if (stopping) return;
    stopping = true;
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    const exits = pool.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", resolve);
          child.kill("SIGTERM");
        }),
    );
    const timeout = new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
    await Promise.race([Promise.all([closed, ...exits]), timeout]);
    for (const { child } of pool) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    agent.destroy();
  }

  return {
    port: listeningPort,
    placement,
    gaps,
    /** Pids of the workers by index (null while one restarts). */
    workerPids: () => pool.map((slot) => (slot?.port ? slot.child.pid : null)),
    stats,
    stop,
  };
}
