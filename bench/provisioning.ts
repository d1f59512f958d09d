/**
 * Provisioning time per isolation level: `provisionTenant` end to end (reserve → owner →
 * resources → settings → quotas → subscription → features → membership → sample_data →
 * activate), BENCH_RUNS times per level, the levels interleaved round by round so that load
 * on the machine hits them alike. Prints the median and p90 per level against the goals
 * (≤ 50 ms shared, ≤ 300 ms schema, ≤ 1.5 s database), and the median of every step (from
 * the step records provisioning writes), so the step that dominates is visible.
 *
 *   BENCH_ADMIN_URL=postgresql://postgres:…@127.0.0.1:5432/postgres npx tsx bench/provisioning.ts
 *
 * Database: a new database bench_<random> on the server of BENCH_ADMIN_URL (or
 * TEST_DATABASE_URL), dropped at the end together with the tenant databases and the tenant
 * template the run created. PostgreSQL only: the goals are about a server.
 * Knobs: BENCH_RUNS=20; BENCH_SYNCHRONOUS_COMMIT=off (diagnosis: sets it on the bench database,
 * to show what the commits' WAL flushes cost). The owner has no password here (as when a platform admin creates a
 * tenant for an existing account); what a signup's argon2 hash adds is measured separately.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { adminQuery, throwawayDatabase } from "./support";

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
type Level = "shared_database" | "schema" | "database";
const LEVELS: Level[] = ["shared_database", "schema", "database"];
const GOALS_MS: Record<Level, number> = { shared_database: 50, schema: 300, database: 1500 };

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

const median = (values: number[]) => quantile(values, 0.5);
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

async function main(): Promise<void> {
  const admin = process.env.BENCH_ADMIN_URL || process.env.TEST_DATABASE_URL;
  if (!admin) throw new Error("Set BENCH_ADMIN_URL (or TEST_DATABASE_URL) to an admin URL of a PostgreSQL server");
  const { name, url, drop } = await throwawayDatabase(admin);
  // Diagnosis knob: BENCH_SYNCHRONOUS_COMMIT=off shows what the commits' WAL flushes cost.
  const synchronousCommit = process.env.BENCH_SYNCHRONOUS_COMMIT;
  if (synchronousCommit === "off" || synchronousCommit === "local") {
    await adminQuery(admin, `ALTER DATABASE "${name}" SET synchronous_commit = ${synchronousCommit}`);
  }
  process.env.DATABASE_URL = url;
  const uptimeAtStart = loadavg();

  // Imported after the environment is set: the connection is read from it.
  const { migrateMainDatabase } = await import("@/lib/db/bootstrap");
  const { controlDb } = await import("@/lib/db/control");
  const { resetDatabaseClients } = await import("@/lib/db/reset");
  const { hashPassword } = await import("@/lib/auth/passwords");
  const { provisionTenant, PROVISIONING_STEPS } = await import("@/lib/tenancy/provisioning");
  const { parseStepRecords } = await import("@/lib/tenancy/provisioning-steps");

  try {
    await migrateMainDatabase();
    const db = await controlDb();
    let n = 0;
    const provisionOne = async (level: Level) => {
      const slug = `bp-${level.slice(0, 2)}-${randomBytes(4).toString("hex")}-${n++}`;
      const started = performance.now();
      const result = await provisionTenant({
        name: `Bench ${slug}`,
        slug,
        tier: "professional",
        ownerEmail: `owner@${slug}.test`,
        isolationLevel: level,
      });
      const elapsed = performance.now() - started;
      if (result.status !== "active") throw new Error(`${slug} failed at ${result.failedStep}: ${result.reason}`);
      const tenant = await db.tenant.findUniqueOrThrow({ where: { id: result.tenantId } });
      const records = parseStepRecords(tenant.provisioningSteps);
      // Step durations from the records: each step's time minus the previous step's (reserve:
      // from the call's start, measured on this clock against the record's wall clock).
      const steps: Record<string, number> = {};
      let previous = Date.parse(records.reserve!.at);
      for (const step of PROVISIONING_STEPS.slice(1)) {
        const at = Date.parse(records[step]!.at);
        steps[step] = at - previous;
        previous = at;
      }
      const method = String((records.resources as { method?: string } | undefined)?.method ?? "");
      return { elapsed, steps, method };
    };

    // Warm-up, one per level, not counted: the first database tenant also creates and
    // migrates the tenant template; every level's first Prisma client compiles its queries.
    const warmup: Record<string, number> = {};
    for (const level of LEVELS) warmup[level] = (await provisionOne(level)).elapsed;

    const runs: Record<Level, { elapsed: number[]; steps: Record<string, number[]>; methods: string[] }> = {
      shared_database: { elapsed: [], steps: {}, methods: [] },
      schema: { elapsed: [], steps: {}, methods: [] },
      database: { elapsed: [], steps: {}, methods: [] },
    };
    for (let round = 0; round < RUNS; round++) {
      for (const level of LEVELS) {
        const one = await provisionOne(level);
        runs[level].elapsed.push(one.elapsed);
        runs[level].methods.push(one.method);
        for (const [step, value] of Object.entries(one.steps)) (runs[level].steps[step] ??= []).push(value);
      }
    }

    // Statements sent to the server per provisioning (each a write and a wait for the reply),
    // counted where pg hands every query to a connection, and the Node CPU time per run.
    const proto = (pg as unknown as { Query: { prototype: { submit: (...args: unknown[]) => unknown } } }).Query
      .prototype;
    const original = proto.submit;
    let submitted = 0;
    let kinds: Record<string, number> = {};
    proto.submit = function (this: unknown, ...args: unknown[]) {
      submitted++;
      const text = (this as { text?: unknown }).text;
      const kind = typeof text === "string" ? (/^\s*(\w+)/.exec(text)?.[1] ?? "?").toUpperCase() : "?";
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      return original.apply(this, args);
    };
    const statements: Record<string, number> = {};
    const statementKinds: Record<string, Record<string, number>> = {};
    const cpuMs: Record<string, number> = {};
    try {
      for (const level of LEVELS) {
        submitted = 0;
        kinds = {};
        const cpu = process.cpuUsage();
        for (let i = 0; i < 3; i++) await provisionOne(level);
        const used = process.cpuUsage(cpu);
        statements[level] = submitted / 3;
        statementKinds[level] = Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, v / 3]));
        cpuMs[level] = (used.user + used.system) / 1000 / 3;
      }
    } finally {
      proto.submit = original;
    }
    // One round trip on the main pool under the same load: the floor of every statement.
    const { mainConnection } = await import("@/lib/db/connection");
    const connection = await mainConnection();
    // And one committed single-row write: the commit waits for its WAL flush (fsync).
    const trips: number[] = [];
    const commits: number[] = [];
    if (connection.mode === "server") {
      await connection.pool.query("CREATE TABLE bench_commit_probe (x int)");
      for (let i = 0; i < 50; i++) {
        let started = performance.now();
        await connection.pool.query("SELECT 1");
        trips.push(performance.now() - started);
        started = performance.now();
        await connection.pool.query("INSERT INTO bench_commit_probe VALUES (1)");
        commits.push(performance.now() - started);
      }
    }
    const syncSetting =
      connection.mode === "server" ? (await connection.pool.query("SHOW synchronous_commit")).rows[0] : {};

    // What a signup adds on top: the owner's password hash (argon2), done in `reserve`.
    const hashes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await hashPassword(`bench-Passw0rd-${i}`);
      hashes.push(performance.now() - started);
    }

    const loadAtEnd = loadavg();
    console.log(
      `# provisioning per level: ${RUNS} runs each, interleaved; PostgreSQL (fresh database ${name}); ` +
        `${cpus().length} × ${cpus()[0]?.model ?? "unknown"}, Node ${process.version}; ` +
        `load average ${uptimeAtStart.map((l) => l.toFixed(2)).join(" ")} at start, ${loadAtEnd.map((l) => l.toFixed(2)).join(" ")} at end`,
    );
    console.log("| level | median ms | p90 ms | min ms | goal ms | median / goal | met | resources by |");
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | :---: | --- |");
    const summary: Record<string, unknown> = {};
    for (const level of LEVELS) {
      const r = runs[level];
      const med = median(r.elapsed);
      const methods = [...new Set(r.methods)].map((m) => `${m} ×${r.methods.filter((x) => x === m).length}`);
      console.log(
        `| ${level} | ${ms(med)} | ${ms(quantile(r.elapsed, 0.9))} | ${ms(Math.min(...r.elapsed))} | ${GOALS_MS[level]} | ` +
          `${(med / GOALS_MS[level]).toFixed(2)} | ${med <= GOALS_MS[level] ? "yes" : "**no**"} | ${methods.join(", ")} |`,
      );
      summary[level] = {
        medianMs: med,
        p90Ms: quantile(r.elapsed, 0.9),
        minMs: Math.min(...r.elapsed),
        goalMs: GOALS_MS[level],
        met: med <= GOALS_MS[level],
        warmupMs: warmup[level],
        methods: r.methods,
        stepMediansMs: Object.fromEntries(Object.entries(r.steps).map(([s, v]) => [s, median(v)])),
        samplesMs: r.elapsed,
      };
    }
    console.log(
      "\nMedian per step, ms (from the step records; `reserve` is the rest of the total: validation, lookups and the insert):\n",
    );
    const stepNames = PROVISIONING_STEPS.slice(1);
    console.log(`| level | reserve | ${stepNames.join(" | ")} |`);
    console.log(`| --- | ---: | ${stepNames.map(() => "---:").join(" | ")} |`);
    for (const level of LEVELS) {
      const r = runs[level];
      const stepMedians = stepNames.map((s) => median(r.steps[s] ?? []));
      const rest = median(r.elapsed) - stepMedians.reduce((a, b) => a + b, 0);
      console.log(`| ${level} | ${ms(Math.max(0, rest))} | ${stepMedians.map(ms).join(" | ")} |`);
    }
    console.log(
      `\nStatements per provisioning: ${LEVELS.map(
        (l) =>
          `${l} ${statements[l].toFixed(0)} (${Object.entries(statementKinds[l])
            .sort((a, b) => b[1] - a[1])
            .map(([k, v]) => `${k} ${v.toFixed(0)}`)
            .join(", ")})`,
      ).join("; ")}; ` +
        `Node CPU per provisioning: ${LEVELS.map((l) => `${l} ${ms(cpuMs[l])} ms`).join(", ")}; ` +
        `one SELECT 1 round trip on the main pool: median ${ms(median(trips))} ms; ` +
        `one committed single-row INSERT: median ${ms(median(commits))} ms (synchronous_commit ${String((syncSetting as { synchronous_commit?: string }).synchronous_commit)}).` +
        `\nWarm-up (first tenant of each level, not counted): ${LEVELS.map((l) => `${l} ${ms(warmup[l])} ms`).join(", ")}.` +
        `\nA signup with a new password adds the argon2 hash: median ${ms(median(hashes))} ms.`,
    );

    const out = join(dirname(fileURLToPath(import.meta.url)), "results", "provisioning.json");
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(
      out,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          node: process.version,
          cpu: cpus()[0]?.model ?? "unknown",
          cores: cpus().length,
          loadAverageAtStart: uptimeAtStart,
          loadAverageAtEnd: loadAtEnd,
          runs: RUNS,
          levels: summary,
          argon2HashMedianMs: median(hashes),
          statementsPerProvisioning: statements,
          statementKindsPerProvisioning: statementKinds,
          nodeCpuMsPerProvisioning: cpuMs,
          selectOneRoundTripMedianMs: median(trips),
          committedInsertMedianMs: median(commits),
          synchronousCommit: (syncSetting as { synchronous_commit?: string }).synchronous_commit,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`\nraw results: ${out}`);
  } finally {
    await resetDatabaseClients();
    // With the tenant databases and the template this run created.
    await drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
