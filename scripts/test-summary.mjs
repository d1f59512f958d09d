// Sums the test counts of every suite run by scripts/test.sh and prints them, the last
// line being exactly `N passed, N failed`. Exit status 1 when anything failed.
//
// Arguments, one per suite or step: `name:exitCode[:reportPath]`.
// - vitest:      Vitest's json reporter (numPassedTests, numFailedTests, testResults).
// - playwright:  Playwright's json reporter (stats.expected/flaky/unexpected/skipped, errors).
// - a step without a report (build, lint, typecheck) adds no passed tests; its failure counts
//   as one failed check (and a suite it prevented counts as crashed).
// A suite whose report is missing or unreadable, or that exited non-zero without any
// failed test in its report, crashed: it counts as one failed test. A run with no test at
// all also fails.
import { existsSync, readFileSync } from "node:fs";

function readJson(path) {
  if (!path || !existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}

function vitestCounts(report) {
  const passed = report.numPassedTests ?? 0;
  let failed = report.numFailedTests ?? 0;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A test file that failed to load or whose hooks failed outside tests reports no failed test.
  const notes = [];
  for (const file of report.testResults ?? []) {
    const failedInFile = (file.assertionResults ?? []).filter((a) => a.status === "failed").length;
    if (file.status === "failed" && failedInFile === 0) {
      failed += 1;
      notes.push(`${file.name}: ${String(file.message ?? "failed").split("\n")[0]}`);
    }
  }
  return { passed, failed, skipped, notes };
}

function playwrightCounts(report) {
  const stats = report.stats ?? {};
  const passed = (stats.expected ?? 0) + (stats.flaky ?? 0);
  let failed = stats.unexpected ?? 0;
  const notes = [];
  for (const error of report.errors ?? []) {
    notes.push(String(error.message ?? error.value ?? "error").split("\n")[0]);
  }
  if (failed === 0 && notes.length > 0) failed = notes.length;
  return { passed, failed, skipped: stats.skipped ?? 0, notes };
}

const PARSERS = { vitest: vitestCounts, playwright: playwrightCounts };

let passed = 0;
let failed = 0;
const lines = [];
for (const arg of process.argv.slice(2)) {
  const [name, rcText, ...rest] = arg.split(":");
  const rc = Number(rcText);
  const reportPath = rest.join(":");
  const parse = PARSERS[name];
  if (!parse) {
    // A step without tests (build, lint, typecheck): its failure counts as one failed check.
    if (rc !== 0) failed += 1;
    lines.push(`  ${name.padEnd(11)} ${rc === 0 ? "ok" : `FAILED (exit ${rc})`}`);
    continue;
  }
  const report = readJson(reportPath);
  let counts;
  if (!report) {
    counts = {
      passed: 0,
      failed: 1,
      skipped: 0,
      notes: [`no report at ${reportPath}: the suite crashed or did not run`],
    };
  } else {
    counts = parse(report);
    if (rc !== 0 && counts.failed === 0) {
      counts.failed = 1;
      counts.notes.push(`exited with ${rc} without reporting a failed test`);
    }
  }
  passed += counts.passed;
  failed += counts.failed;
  const skipped = counts.skipped ? `, ${counts.skipped} skipped` : "";
  lines.push(`  ${name.padEnd(11)} ${counts.passed} ok / ${counts.failed} not ok${skipped} (exit ${rc})`);
  for (const note of counts.notes) lines.push(`              ${note}`);
}
if (passed + failed === 0) {
  failed = 1;
  lines.push("  no test ran at all");
}

console.log(["", "Test summary:", ...lines].join("\n"));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
