import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECURITY_HEADERS } from "@/lib/http/security-headers";
import type { FrontStatsResult } from "@/lib/platform/front-stats";
import {
  multiWorkerProblem,
  OVERFLOW_NICENESS,
  SECURITY_HEADERS as FRONT_SECURITY_HEADERS,
  startFront,
  type Front,
} from "../../server/front.mjs";
import { PLACEMENT_DEFAULTS } from "../../server/placement.mjs";

/**
 * The front of a multi-worker server (server/front.mjs), over real HTTP with real worker
 * processes: stand-ins (test/support/stand-in-worker.mjs) that report what reached them, so
 * these tests need no build. The real server.mjs behind it runs in bench/noisy-neighbour.ts.
 */

const STAND_IN = fileURLToPath(new URL("../support/stand-in-worker.mjs", import.meta.url));
const SERVER = fileURLToPath(new URL("../../server.mjs", import.meta.url));

interface Echo {
  answeredAt: number;
  worker: number;
  pid: number;
  publicPort: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function call(
  port: number,
  options: { host: string; path?: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port,
        path: options.path ?? "/",
        method: options.method ?? "GET",
        headers: { host: options.host, ...options.headers },
        agent: false,
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      },
    );
    request.on("error", reject);
    request.end(options.body);
  });
}

const echo = (answer: Answer) => JSON.parse(answer.body) as Echo;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(probe: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the front of several workers", () => {
  let front: Front;
  const logged: string[] = [];

  beforeAll(async () => {
    front = await startFront({
      port: 0,
      hostname: "127.0.0.1",
      workers: 2,
      workerScript: STAND_IN,
      // tsx: the stand-in's /front-stats runs lib/platform/front-stats.ts itself.
      execArgv: ["--import", "tsx"],
      log: (line) => logged.push(line),
    });
  });

  afterAll(async () => {
    const pids = front.workerPids();
    await front.stop();
    // Stopping the front ends its workers.
    for (const pid of pids) if (pid) expect(alive(pid)).toBe(false);
  });

  it("hands the worker the request as sent, with the X-Forwarded-* headers Next would add", async () => {
    const answer = await call(front.port, {
      host: "acme.example.test",
      path: "/api/v1/invoices?status=draft",
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer secret-key", cookie: "session=abc" },
      body: JSON.stringify({ number: "INV-1" }),
    });
    expect(answer.status).toBe(200);
    const seen = echo(answer);
    expect(seen).toMatchObject({
      method: "POST",
      url: "/api/v1/invoices?status=draft",
      body: '{"number":"INV-1"}',
      publicPort: String(front.port),
    });
    expect(seen.headers).toMatchObject({
      host: "acme.example.test",
      authorization: "Bearer secret-key",
      cookie: "session=abc",
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-host": "acme.example.test",
      "x-forwarded-port": String(front.port),
      "x-forwarded-proto": "http",
    });
  });

  it("keeps X-Forwarded-* a proxy in front of it set, and drops hop-by-hop headers", async () => {
    const seen = echo(
      await call(front.port, {
        host: "acme.example.test",
        headers: {
          "x-forwarded-for": "203.0.113.9",
          "x-forwarded-proto": "https",
          connection: "keep-alive, x-hop-secret",
          "x-hop-secret": "for the next hop only",
          "proxy-authorization": "Basic c2VjcmV0",
        },
      }),
    );
    expect(seen.headers["x-forwarded-for"]).toBe("203.0.113.9");
    expect(seen.headers["x-forwarded-proto"]).toBe("https");
    expect(seen.headers["x-hop-secret"]).toBeUndefined();
    expect(seen.headers["proxy-authorization"]).toBeUndefined();
  });

  it("answers with the worker's status and headers, every Set-Cookie included", async () => {
    const answer = await call(front.port, { host: "acme.example.test", path: "/cookies" });
    expect(answer.status).toBe(200);
    expect(answer.headers["set-cookie"]).toEqual(["a=1; HttpOnly", "b=2; HttpOnly"]);
    expect(answer.headers["x-stand-in"]).toBe("yes");
    const limited = await call(front.port, { host: "acme.example.test", path: "/limited" });
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("1");
  });

  it("serves a host from one worker, and a host its rate limit keeps refusing from the overflow worker", async () => {
    const hosts = ["noisy.example.test", "quiet.example.test", "acme.example.test"];
    const before = new Map<string, number>();
    for (const host of hosts) {
      const workers = new Set<number>();
      for (let i = 0; i < 5; i++) workers.add(echo(await call(front.port, { host })).worker);
      expect(workers.size).toBe(1);
      before.set(host, [...workers][0]);
    }
    for (let i = 0; i < 10; i++)
      expect((await call(front.port, { host: "noisy.example.test", path: "/limited" })).status).toBe(429);

    expect(echo(await call(front.port, { host: "noisy.example.test" })).worker).toBe(1);
    expect(echo(await call(front.port, { host: "quiet.example.test" })).worker).toBe(before.get("quiet.example.test"));
    expect(echo(await call(front.port, { host: "acme.example.test" })).worker).toBe(before.get("acme.example.test"));
    expect(logged.some((line) => line.includes("noisy.example.test keeps hitting its rate limit"))).toBe(true);
  });

  it("forwards a quarantined host's call in a gap between the other hosts' calls, or after 250 ms at the latest", async () => {
    for (let i = 0; i < 10; i++) await call(front.port, { host: "gapped.example.test", path: "/limited" });
    expect(front.placement.quarantined()).toContain("gapped.example.test");

    const inProgress = call(front.port, { host: "calm.example.test", path: "/slow?ms=150" });
    await until(
      () => front.gaps.stats().regular,
      (regular) => regular === 1,
    );
    const held = echo(await call(front.port, { host: "gapped.example.test" }));
    const calm = echo(await inProgress);
    expect(held.worker).toBe(1);
    expect(held.answeredAt).toBeGreaterThanOrEqual(calm.answeredAt);

    // A call that takes long does not hold the quarantined host for longer than the bound.
    const long = call(front.port, { host: "calm.example.test", path: "/slow?ms=3000" });
    await until(
      () => front.gaps.stats().regular,
      (regular) => regular === 1,
    );
    const bounded = echo(await call(front.port, { host: "gapped.example.test" }));
    expect(bounded.answeredAt).toBeLessThan(echo(await long).answeredAt);
  });

  it("tells a worker's admin page what only it knows: the workers, the quarantined hosts, the waiting calls", async () => {
    const before = Date.now();
    for (let i = 0; i < 10; i++) await call(front.port, { host: "watched.example.test:8080", path: "/limited" });
    const answer = await call(front.port, { host: "calm.example.test", path: "/front-stats" });
    const report = JSON.parse(answer.body) as FrontStatsResult;
    if (report.kind !== "front") throw new Error(`expected the front's answer, got ${answer.body}`);
    expect(report.worker).toBe(front.placement.workerFor("calm.example.test"));
    const pids = front.workerPids();
    expect(report.stats.workers).toEqual([
      expect.objectContaining({ index: 0, role: "regular", pid: pids[0], up: true, restarts: expect.any(Number) }),
      expect.objectContaining({ index: 1, role: "overflow", pid: pids[1], up: true }),
    ]);
    const watched = report.stats.quarantined.find((entry) => entry.host === "watched.example.test");
    expect(watched).toBeDefined();
    expect(watched!.since).toBeGreaterThanOrEqual(before);
    expect(watched!.lastRefusal).toBeGreaterThanOrEqual(watched!.since);
    expect(watched!.releaseAt).toBe(watched!.lastRefusal + PLACEMENT_DEFAULTS.releaseAfterMs);
    // The /front-stats call itself is a regular call in progress while the front answers.
    expect(report.stats.gaps).toEqual({ regular: 1, quarantined: 0, waiting: 0 });
  });

  it("runs the overflow worker, every thread of it, at a lower CPU priority than the regular one", () => {
    const [regular, overflow] = front.workerPids();
    // Field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value.
    const niceness = (pid: number | null) =>
      readdirSync(`/proc/${pid}/task`).map((thread) => {
        const stat = readFileSync(`/proc/${pid}/task/${thread}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
      });
    expect(new Set(niceness(regular))).toEqual(new Set([0]));
    const overflowThreads = niceness(overflow);
    expect(overflowThreads.length).toBeGreaterThan(1);
    expect(new Set(overflowThreads)).toEqual(new Set([OVERFLOW_NICENESS]));
  });

  it("answers 502 when a worker dies mid-request, serves its hosts elsewhere meanwhile and starts it again", async () => {
    const host = "acme.example.test";
    const first = echo(await call(front.port, { host }));
    // A POST is not sent twice: it may have done its work before the worker died.
    const dying = await call(front.port, { host, path: "/exit", method: "POST", body: "{}" });
    expect(dying.status).toBe(502);
    expect(dying.headers["content-type"]).toBe("application/problem+json");
    // The front's own answers carry the app's security headers, the same list.
    expect(FRONT_SECURITY_HEADERS).toEqual(SECURITY_HEADERS);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(dying.headers[name.toLowerCase()]).toBe(value);
    expect(JSON.parse(dying.body)).toMatchObject({ status: 502, title: "Bad Gateway" });

    // While it is down (a second before the restart) the host is still answered.
    await until(
      () => front.workerPids()[first.worker],
      (pid) => pid === null,
    );
    const meanwhile = await call(front.port, { host });
    expect(meanwhile.status).toBe(200);
    expect(echo(meanwhile).pid).not.toBe(first.pid);

    const pids = await until(
      () => front.workerPids(),
      (now) => now[first.worker] !== null && now[first.worker] !== first.pid,
    );
    expect(pids[first.worker]).not.toBe(first.pid);
    expect(alive(first.pid)).toBe(false);
    const back = echo(await call(front.port, { host }));
    expect(back).toMatchObject({ worker: first.worker, pid: pids[first.worker] });
    expect(logged.some((line) => line.includes(`worker ${first.worker} exited`))).toBe(true);
  });
});

describe("what several workers need", () => {
  it("names the missing shared database or shared Redis", () => {
    expect(multiWorkerProblem({ REDIS_URL: "redis://127.0.0.1:6379" })).toMatch(/DATABASE_URL/);
    expect(multiWorkerProblem({ DATABASE_URL: "postgresql://db/app" })).toMatch(/REDIS_URL or UPSTASH_REDIS_REST_URL/);
    expect(multiWorkerProblem({ DATABASE_URL: "postgresql://db/app", REDIS_URL: "redis://r:6379" })).toBeNull();
    expect(
      multiWorkerProblem({ DATABASE_URL: "postgresql://db/app", UPSTASH_REDIS_REST_URL: "https://r.upstash.io" }),
    ).toBeNull();
  });

  it("server.mjs refuses a number of workers that is not a whole number, and says why", () => {
    for (const value of ["two", "1.5", "-3"]) {
      const run = spawnSync(process.execPath, [SERVER], {
        env: { PATH: process.env.PATH, NODE_ENV: "production", SERVER_WORKERS: value, PORT: "0" },
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`SERVER_WORKERS=${value}: the number of workers must be a whole number ≥ 1.`);
    }
  });

  it("server.mjs refuses to start workers on the embedded database, and says why", () => {
    const run = spawnSync(process.execPath, [SERVER], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "production",
        SERVER_WORKERS: "2",
        PORT: "0",
        REDIS_URL: "redis://127.0.0.1:6379",
      },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("SERVER_WORKERS=2: several workers need a shared database: set DATABASE_URL");
  });
});
