// The e2e web server (playwright.config.ts `webServer`): the production build served by
// server.mjs as `npm start` does, embedded mode. A fresh temporary DATA_DIR per run, so
// every run starts from an empty PGlite that the app migrates and seeds with the demo
// tenants on start; no DATABASE_URL, so nothing from the developer's environment leaks in. The data directory is removed on exit.
// E2E_PID_FILE (set by scripts/test.sh) receives this process's and the server's pids,
// so the harness can stop a server left behind by a crashed run.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = process.env.E2E_PORT || "3300";

if (!existsSync(join(root, ".next", "BUILD_ID"))) {
  console.error("[e2e] no production build in .next: run `npm run build` first");
  process.exit(1);
}

// E2E_DATA_ROOT (set by playwright.config.ts) lets tests read the server's mail outbox.
const dataRoot = process.env.E2E_DATA_ROOT || mkdtempSync(join(tmpdir(), "logi-e2e-"));
const env = {
  ...process.env,
  NODE_ENV: "production",
  PORT: port,
  ROOT_DOMAIN: `localhost:${port}`,
  DATA_DIR: join(dataRoot, "data"),
  NEXT_TELEMETRY_DISABLED: "1",
};
for (const name of ["DATABASE_URL", "MIGRATE_ON_START", "SEED_DEMO", "HOSTNAME"]) delete env[name];
// The suites send hundreds of API calls a second to the demo workspaces (the attack suite
// alone several thousand): rate limits ×100 here. e2e/rate-limit.spec.ts runs its own
// server with the real limits (RATE_LIMIT_SCALE=1).
env.RATE_LIMIT_SCALE ||= "100";
// e2e/integrations.spec.ts's receiver listens on 127.0.0.1, which a deployment refuses.
env.WEBHOOK_ALLOW_PRIVATE_TARGETS ||= "1";

const server = spawn(process.execPath, [join(root, "server.mjs")], { cwd: root, env, stdio: "inherit" });
if (process.env.E2E_PID_FILE) writeFileSync(process.env.E2E_PID_FILE, `${process.pid}\n${server.pid}\n`);
console.log(`[e2e] server.mjs on port ${port}, ROOT_DOMAIN=localhost:${port}, DATA_DIR=${env.DATA_DIR}`);

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  if (server.exitCode === null) server.kill(signal);
  // Next closes quickly; do not hang the test run if it does not.
  setTimeout(() => server.kill("SIGKILL"), 8_000).unref();
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));

server.on("exit", (code, signal) => {
  rmSync(dataRoot, { recursive: true, force: true });
  if (process.env.E2E_PID_FILE) rmSync(process.env.E2E_PID_FILE, { force: true });
  process.exit(stopping ? 0 : (code ?? (signal ? 1 : 0)));
});
