// The production server: Next's request handler behind a plain Node HTTP server, so that
// the request gate (lib/rate-limit/request-gate.ts) can answer before Next does. A client
// the rate limit has just refused and that keeps calling gets its 429 for tens of
// microseconds instead of a trip through Next's router and proxy.ts, which matters when
// one workspace floods the API and the others share this event loop (decision 0015).
// Everything else goes to Next untouched. `npm start` (scripts/start.mjs) builds and runs
// this; PORT (default 3000) and HOSTNAME (default: every interface) as for `next start`.
import { createServer } from "node:http";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

process.env.NODE_ENV ||= "production";
process.env.NEXT_TELEMETRY_DISABLED ||= "1";
const { default: next } = await import("next");

const dir = dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOSTNAME || undefined;
const started = performance.now();

const app = next({ dev: false, dir, port, hostname: hostname ?? "localhost" });
const handle = app.getRequestHandler();
await app.prepare();

const GATE = Symbol.for("logiaccounting.requestGate");

const server = createServer((req, res) => {
  const gate = globalThis[GATE];
  if (typeof gate === "function") gate(req, res, () => handle(req, res));
  else handle(req, res);
});
server.keepAliveTimeout = Number(process.env.KEEP_ALIVE_TIMEOUT_MS || 5_000);

server.listen(port, hostname, () => {
  const gate = typeof globalThis[GATE] === "function" ? "request gate on" : "request gate NOT installed";
  console.log(
    `[server] ready on http://${hostname ?? "localhost"}:${port} in ${Math.round(performance.now() - started)} ms (${gate})`,
  );
});

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    // Stop accepting, let calls in progress finish briefly, then go (as `next start` does).
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 3_000).unref();
  });
}
