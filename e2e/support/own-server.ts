import { spawn } from "node:child_process";
import type { TestInfo } from "@playwright/test";

/** A production server a spec starts for itself (other settings than the shared e2e server). */
export interface OwnServer {
  /** Everything it printed so far (stdout and stderr). */
  log(): string;
  /** SIGTERM, and waits for the process to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `node <script>` with `env` and waits until `ready(log)` holds (polled every 500 ms,
 * up to `timeoutMs`); throws with the server's output if it exits or never gets ready.
 */
export async function startOwnServer(
  script: string,
  env: NodeJS.ProcessEnv,
  ready: (log: string) => boolean | Promise<boolean>,
  { name = script, timeoutMs = 200_000 } = {},
): Promise<OwnServer> {
  let log = "";
  const child = spawn(process.execPath, [script], { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const server: OwnServer = {
    log: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited:\n${log}`);
    if (await ready(log)) return server;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await server.stop();
  throw new Error(`${name} did not start:\n${log}`);
}

/**
 * For test.afterEach: when the test failed, prints the last `lines` of the server's log, so
 * the run's output (CI keeps only that) shows what the server saw — a fallback, a worker's
 * move, a stack trace.
 */
export function printLogIfFailed(server: OwnServer | undefined, testInfo: TestInfo, lines = 80): void {
  if (!server || testInfo.status === testInfo.expectedStatus) return;
  const tail = server.log().trimEnd().split("\n").slice(-lines).join("\n");
  console.log(`[${testInfo.title}] the server's last ${lines} log lines:\n${tail}`);
}
