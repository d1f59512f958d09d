// A worker process that asks its front for its state once (lib/platform/front-stats.ts, run
// with tsx) and sends the result to its parent: test/platform/front-stats.test.ts plays the front.
const { frontStats } = await import("../../lib/platform/front-stats.ts");
const result = await frontStats(Number(process.env.ASK_TIMEOUT_MS || 1_000));
if (process.send) process.send({ type: "asked", result }, () => process.disconnect());
else console.log(JSON.stringify(result));
