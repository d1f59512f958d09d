/**
 * Proxy overhead: the same trivial route (/api/health) requested on the root domain, where
 * proxy.ts skips tenant resolution, and on a tenant host, where it resolves the tenant
 * (warm directory cache) and sets the tenant headers. Both in one run, one server, so the
 * difference is what resolution adds per request.
 *
 *   npm run build && npx tsx bench/proxy-overhead.ts
 */
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitForServer } from "./support";

const PORT = Number(process.env.BENCH_PORT ?? 3400);
const ROOT = `localhost:${PORT}`;
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

async function run(host: string) {
  const result = await autocannon({
    url: `http://127.0.0.1:${PORT}/api/health`,
    headers: { host },
    connections: 10,
    duration: DURATION,
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${host}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    host,
    meanMs: result.latency.mean,
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-proxy-"));
  const server = spawn(process.execPath, ["server.mjs"], {
    env: { ...process.env, PORT: String(PORT), DATA_DIR: dataDir, ROOT_DOMAIN: ROOT, DATABASE_URL: "" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    await waitForServer(PORT);
    // Warm up both paths (JIT, directory cache).
    await autocannon({ url: `http://127.0.0.1:${PORT}/api/health`, headers: { host: `acme.${ROOT}` }, duration: 2 });
    await autocannon({ url: `http://127.0.0.1:${PORT}/api/health`, headers: { host: ROOT }, duration: 2 });
    // Alternating rounds, so drift in machine load hits both sides alike; autocannon's
    // percentiles are whole milliseconds, so the per-round difference of mean latency is
    // the finer measure, and the median over rounds is reported.
    type Run = Awaited<ReturnType<typeof run>>;
    const rounds: Array<{ baseline: Run; resolved: Run }> = [];
    for (let i = 0; i < ROUNDS; i++) {
      const baseline = await run(ROOT);
      const resolved = await run(`acme.${ROOT}`);
      rounds.push({ baseline, resolved });
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const overheadMs = median(rounds.map((r) => r.resolved.meanMs - r.baseline.meanMs));
    const p50OverheadMs = median(rounds.map((r) => r.resolved.p50 - r.baseline.p50));
    const throughputRatio = median(rounds.map((r) => r.resolved.rps / r.baseline.rps));
    const report = {
      date: new Date().toISOString(),
      rounds,
      medianOverheadMs: overheadMs,
      p50OverheadMs,
      throughputRatio,
    };
    console.table(rounds.flatMap((r) => [r.baseline, r.resolved]));
    console.log(
      `tenant resolution adds ${overheadMs.toFixed(3)} ms per request (median over ${ROUNDS} rounds of mean latency; ` +
        `p50 difference ${p50OverheadMs} ms; goal <= 1 ms); throughput ratio ${throughputRatio.toFixed(3)}`,
    );
    mkdirSync("bench/results", { recursive: true });
    writeFileSync("bench/results/proxy-overhead.json", JSON.stringify(report, null, 2));
  } finally {
    server.kill("SIGTERM");
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
