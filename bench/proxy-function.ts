/**
 * What proxy.ts itself costs per request, in process: the same request for /api/health
 * sent through `proxy()` on the root domain (no tenant resolution) and on a tenant host
 * (resolution with a warm directory cache, headers set), interleaved rounds, same run.
 * Free of HTTP and server noise, so it isolates the proxy's added latency.
 *
 *   npx tsx bench/proxy-function.ts
 */
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NextRequest } from "next/server";

process.env.DATA_DIR = mkdtempSync(join(tmpdir(), "bench-proxy-fn-"));
delete process.env.DATABASE_URL;
process.env.ROOT_DOMAIN = "localhost:3000";
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

const { prepareDatabase } = await import("@/lib/tenancy/startup");
const { proxy } = await import("../proxy");
const { closeMainConnection } = await import("@/lib/db/connection");
await prepareDatabase();

function request(host: string): NextRequest {
  return new NextRequest(`http://127.0.0.1:3000/api/health`, { headers: { host } });
}

async function time(host: string): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) {
    const response = await proxy(request(host));
    if (response.status >= 400) throw new Error(`${host}: ${response.status}`);
  }
  return Number(process.hrtime.bigint() - start) / 1e6 / ITERATIONS; // ms per request
}

await time("acme.localhost:3000"); // warm the directory cache and the JIT
await time("localhost:3000");
const rounds: Array<{ rootMs: number; tenantMs: number }> = [];
for (let i = 0; i < ROUNDS; i++)
  rounds.push({ rootMs: await time("localhost:3000"), tenantMs: await time("acme.localhost:3000") });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const added = median(rounds.map((r) => r.tenantMs - r.rootMs));
const report = {
  date: new Date().toISOString(),
  iterations: ITERATIONS,
  rounds,
  rootMsMedian: median(rounds.map((r) => r.rootMs)),
  tenantMsMedian: median(rounds.map((r) => r.tenantMs)),
  addedMsMedian: added,
};
console.table(rounds);
console.log(
  `proxy() per request: root ${report.rootMsMedian.toFixed(4)} ms, tenant host ${report.tenantMsMedian.toFixed(4)} ms; ` +
    `resolution adds ${(added * 1000).toFixed(1)} µs at the median (goal <= 1 ms)`,
);
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/proxy-function.json", JSON.stringify(report, null, 2));
await closeMainConnection();
