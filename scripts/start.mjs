// `npm start`: builds the app when the build is missing or older than the sources, then
// serves it with server.mjs (Next's handler behind the request gate). With no DATABASE_URL the server opens embedded PGlite in
// DATA_DIR (default ./.data), migrates it and creates the demo tenants on first start.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..");
const SOURCES = [
  "app",
  "components",
  "lib",
  "prisma",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.ts",
  "server.mjs",
  "package.json",
];
const IGNORED = new Set(["node_modules", ".next", "generated"]);

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (!IGNORED.has(entry)) newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

const buildId = join(root, ".next", "BUILD_ID");
const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
const sourcesChanged = Math.max(...SOURCES.map((s) => newestMtime(join(root, s))));
if (!built || sourcesChanged > built) {
  console.log(
    built ? "[start] sources changed since the last build: rebuilding" : "[start] first start: building the app",
  );
  const result = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const server = spawnSync(process.execPath, [join(root, "server.mjs")], { cwd: root, stdio: "inherit" });
process.exit(server.status ?? 0);
