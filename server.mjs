// The production server: Next's request handler behind a plain Node HTTP server, so that
// the request gate (lib/rate-limit/request-gate.ts) can answer before Next does. A client
// the rate limit has just refused and that keeps calling gets its 429 for tens of
// microseconds instead of a trip through Next's router and proxy.ts, which matters when
// one workspace floods the API and the others share this event loop (decision 0015).
// Everything else goes to Next untouched. `npm start` (scripts/start.mjs) builds and runs
// this; PORT (default 3000) and HOSTNAME (default: every interface) as for `next start`.
//
// SERVER_WORKERS=N (N ≥ 2) runs N such servers as worker processes behind a front process
// (server/front.mjs, decision 0016): each host keeps to one worker, and a workspace the rate
// limit keeps refusing is moved to the last worker, so its flood and its garbage collections
// stay out of the other workspaces' processes. Workers share the database and Redis, so
// SERVER_WORKERS needs DATABASE_URL (PostgreSQL) and REDIS_URL or UPSTASH_REDIS_REST_URL.
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

process.env.NODE_ENV ||= "production";
process.env.NEXT_TELEMETRY_DISABLED ||= "1";

const dir = dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOSTNAME || undefined;
const started = performance.now();
const workerIndex = process.env.SERVER_WORKER_INDEX;
const workers = Number(process.env.SERVER_WORKERS || 1);
if (!Number.isInteger(workers) || workers < 1) {
  console.error(
    `[server] SERVER_WORKERS=${process.env.SERVER_WORKERS}: the number of workers must be a whole number ≥ 1.`,
  );
  process.exit(1);
}

if (workerIndex === undefined && workers > 1) {
  const { startFront, multiWorkerProblem } = await import("./server/front.mjs");
  const problem = multiWorkerProblem(process.env);
  if (problem) {
    console.error(`[server] SERVER_WORKERS=${process.env.SERVER_WORKERS}: ${problem}`);
    process.exit(1);
  }
  const front = await startFront({ port, hostname, workers, workerScript: join(dir, "server.mjs") }).catch((error) => {
    console.error(`[server] ${error.message}`);
    process.exit(1);
  });
  console.log(
    `[server] ready on http://${hostname ?? "localhost"}:${front.port} in ${Math.round(performance.now() - started)} ms (front of ${workers} workers)`,
  );
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => front.stop().then(() => process.exit(0)));
} else {
  await serveApp();
}

async function serveApp() {
  const { default: next } = await import("next");

  const app = next({ dev: false, dir, port, hostname: hostname ?? "localhost" });
  const handle = app.getRequestHandler();
  await app.prepare();

  const GATE = Symbol.for("logiaccounting.requestGate");

  const server = createServer((req, res) => {
    const gate = globalThis[GATE];
    if (typeof gate === "function") gate(req, res, () => handle(req, res));
    else handle(req, res);
  });
  // A worker's only client is the front, whose idle connections are few and reused: closing
  // them on a timer would only race the front's next request on them.
  server.keepAliveTimeout = workerIndex === undefined ? Number(process.env.KEEP_ALIVE_TIMEOUT_MS || 5_000) : 0;

  // A worker listens on a private port and tells the front which.
  const listenPort = workerIndex === undefined ? port : 0;
  const listenHost = workerIndex === undefined ? hostname : "127.0.0.1";
  server.listen(listenPort, listenHost, () => {
    const gate = typeof globalThis[GATE] === "function" ? "request gate on" : "request gate NOT installed";
    if (workerIndex !== undefined) {
      process.send?.({ type: "listening", port: server.address().port });
      console.log(`[server] worker ${workerIndex} ready in ${Math.round(performance.now() - started)} ms (${gate})`);
      return;
    }
    console.log(
      `[server] ready on http://${hostname ?? "localhost"}:${port} in ${Math.round(performance.now() - started)} ms (${gate})`,
    );
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Stop accepting, let calls in progress finish briefly, then go (as `next start` does).
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 3_000).unref();
  };
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, stop);
  // A worker whose front is gone (even killed) has no one to serve.
  if (workerIndex !== undefined) process.on("disconnect", stop);
}
