import { randomUUID } from "node:crypto";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "@/lib/rate-limit/limiter";
import { credentialKey, enforceRateLimit } from "@/lib/rate-limit/rate-limit";
import { createRequestGate, yieldToOtherRequests, type RequestGate } from "@/lib/rate-limit/request-gate";

/**
 * The request gate in front of Next (server.mjs), over real HTTP: a credential the rate
 * limit refused moments ago is answered 429 without reaching the app; a probe yields to the
 * requests already in progress; everything else passes at once. "The app" here is a handler
 * that records what reached it and answers when the test lets it.
 */

interface Reached {
  url: string;
  release: () => void;
}

let server: Server | null = null;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});

async function serve(gate: RequestGate): Promise<{ port: number; reached: Reached[] }> {
  const reached: Reached[] = [];
  server = createServer((req, res) =>
    gate(req, res, () => {
      const release = () => res.end("from the app");
      reached.push({ url: req.url ?? "", release });
      // Requests to /slow wait for the test; the others answer at once.
      if (!req.url?.startsWith("/api/slow")) release();
    }),
  );
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, reached };
}

function get(port: number, path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path, headers, agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on("error", reject);
      req.end();
    },
  );
}

/** A credential whose workspace budget (Free: 20 per 10 s) the rate limit has just refused. */
async function refusedCredential(host: string, now?: () => number) {
  const authorization = `Bearer lak_${randomUUID()}`;
  const credential = credentialKey(new Headers({ host, authorization }));
  const limiter = new MemoryRateLimiter(now ? { now } : {});
  const subject = { tenantId: randomUUID(), tier: "free", credential };
  for (let i = 0; i < 21; i++) await enforceRateLimit(subject, { limiter }).catch(() => undefined);
  return { authorization, subject, limiter };
}

describe("the request gate", () => {
  it("answers a refused credential's API call itself: 429 problem+json with Retry-After, X-RateLimit-* and the security headers", async () => {
    const { port, reached } = await serve(createRequestGate());
    const host = "acme.localhost:3000";
    const { authorization } = await refusedCredential(host);

    const answer = await get(port, "/api/v1/customers?limit=5", { host, authorization });
    expect(answer.status).toBe(429);
    expect(answer.headers["content-type"]).toBe("application/problem+json");
    expect(Number(answer.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(answer.headers["x-ratelimit-limit"]).toBe("20");
    expect(answer.headers["x-ratelimit-remaining"]).toBe("0");
    expect(answer.headers["x-ratelimit-scope"]).toBe("tenant");
    expect(answer.headers["x-content-type-options"]).toBe("nosniff");
    expect(answer.headers["x-frame-options"]).toBe("DENY");
    expect(JSON.parse(answer.body)).toMatchObject({
      type: "https://logiaccounting.dev/problems/rate-limited",
      status: 429,
      scope: "tenant",
    });
    expect(reached).toHaveLength(0);
  });

  it("lets through other credentials, other hosts, pages and calls without a credential", async () => {
    const { port, reached } = await serve(createRequestGate());
    const host = "acme.localhost:3000";
    const { authorization } = await refusedCredential(host);
    const passes = [
      await get(port, "/api/v1/customers", { host, authorization: `Bearer lak_${randomUUID()}` }),
      await get(port, "/api/v1/customers", { host: "globex.localhost:3000", authorization }),
      await get(port, "/invoices", { host, authorization }),
      await get(port, "/api/v1/customers", { host }),
    ];
    expect(passes.map((p) => p.status)).toEqual([200, 200, 200, 200]);
    expect(reached.map((r) => r.url)).toEqual([
      "/api/v1/customers",
      "/api/v1/customers",
      "/invoices",
      "/api/v1/customers",
    ]);
  });

  it("a probe waits while other requests are in progress, and goes on when they are done", async () => {
    let now = 5_000_000;
    const gate = createRequestGate({ now: () => now, yieldMaxMs: 60_000 });
    const { port, reached } = await serve(gate);
    const host = "acme.localhost:3000";
    const { authorization } = await refusedCredential(host, () => now);

    // Another workspace's call is in progress when the flooding credential's pause ends.
    const neighbour = get(port, "/api/slow", { host: "globex.localhost:3000" });
    await expect.poll(() => reached.length).toBe(1);
    now += 500;
    const probe = get(port, "/api/v1/customers", { host, authorization });
    await expect.poll(() => gate.stats().waiting).toBe(1);
    // Meanwhile the credential's other calls are still refused (the probe is under way).
    expect((await get(port, "/api/v1/customers", { host, authorization })).status).toBe(429);
    expect(reached).toHaveLength(1);

    reached[0].release();
    expect((await neighbour).status).toBe(200);
    expect((await probe).status).toBe(200);
    expect(reached.map((r) => r.url)).toEqual(["/api/slow", "/api/v1/customers"]);
    expect(gate.stats()).toEqual({ inProgress: 0, yielding: 0, waiting: 0, paused: 0 });
  });

  it("a probe does not wait longer than yieldMaxMs for a gap", async () => {
    let now = 6_000_000;
    const gate = createRequestGate({ now: () => now, yieldMaxMs: 30 });
    const { port, reached } = await serve(gate);
    const host = "acme.localhost:3000";
    const { authorization } = await refusedCredential(host, () => now);

    const busy = get(port, "/api/slow", { host: "globex.localhost:3000" });
    await expect.poll(() => reached.length).toBe(1);
    now += 500;
    const probe = get(port, "/api/v1/customers", { host, authorization });
    await expect.poll(() => gate.stats().waiting).toBe(1);
    now += 30; // the gate's timer fires on the real clock; its check reads this one
    expect((await probe).status).toBe(200);
    expect(gate.stats().inProgress).toBe(1); // the neighbour is still busy
    reached[0].release();
    await busy;
  });

  describe("a running probe's checkpoints (proxy.ts, the tenant route's steps)", () => {
    /**
     * An app whose flooding-workspace calls stop at a first step until the test lets them on,
     * then pass one checkpoint (yieldToOtherRequests, as proxy.ts and tenantRoute do) and answer.
     */
    async function serveWithCheckpoint(gate: RequestGate) {
      const events: string[] = [];
      const steps: (() => void)[] = [];
      const slow: (() => void)[] = [];
      server = createServer((req, res) =>
        gate(req, res, async () => {
          if (req.url?.startsWith("/api/slow")) {
            events.push("neighbour started");
            slow.push(() => {
              events.push("neighbour answered");
              res.end("neighbour");
            });
            return;
          }
          events.push(`${req.url} step 1`);
          await new Promise<void>((resolve) => steps.push(resolve));
          const checkpoint = yieldToOtherRequests();
          events.push(`${req.url} checkpoint ${checkpoint ? "pauses" : "passes"}`);
          await checkpoint;
          events.push(`${req.url} answered`);
          res.end("from the app");
        }),
      );
      server.keepAliveTimeout = 1;
      await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
      return { port: (server.address() as AddressInfo).port, events, steps, slow };
    }

    /**
     * A flooding workspace's probe that started in a gap and a neighbour's call that arrived
     * while the probe was at its first step: the probe is now paused at its checkpoint.
     */
    async function probePausedForNeighbour(yieldMaxMs: number, start: number) {
      const clock = { now: start };
      const gate = createRequestGate({ now: () => clock.now, yieldMaxMs });
      const { port, events, steps, slow } = await serveWithCheckpoint(gate);
      const host = "acme.localhost:3000";
      const { authorization } = await refusedCredential(host, () => clock.now);
      clock.now += 500;
      const probe = get(port, "/api/v1/customers", { host, authorization });
      await expect.poll(() => steps.length).toBe(1);
      const neighbour = get(port, "/api/slow", { host: "globex.localhost:3000" });
      await expect.poll(() => slow.length).toBe(1);
      steps[0]();
      await expect.poll(() => gate.stats().paused).toBe(1);
      return { clock, gate, events, probe, neighbour, finishNeighbour: () => slow[0]() };
    }

    it("a probe that is running pauses at its next checkpoint while another workspace's call is in progress", async () => {
      const { gate, events, probe, neighbour, finishNeighbour } = await probePausedForNeighbour(60_000, 7_000_000);

      finishNeighbour();
      expect((await neighbour).status).toBe(200);
      expect((await probe).status).toBe(200);
      expect(events).toEqual([
        "/api/v1/customers step 1",
        "neighbour started",
        "/api/v1/customers checkpoint pauses",
        "neighbour answered",
        "/api/v1/customers answered",
      ]);
      expect(gate.stats()).toEqual({ inProgress: 0, yielding: 0, waiting: 0, paused: 0 });
    });

    it("a probe's waits (to start and at checkpoints) add up to yieldMaxMs at most", async () => {
      const { clock, gate, events, probe, neighbour, finishNeighbour } = await probePausedForNeighbour(40, 8_000_000);
      clock.now += 40; // the gate's timer runs on the real clock; its check reads this one
      expect((await probe).status).toBe(200);
      expect(events.at(-1)).toBe("/api/v1/customers answered");
      expect(gate.stats().inProgress).toBe(1); // the neighbour is still busy
      finishNeighbour();
      await neighbour;
    });

    it("calls that are not probes pass their checkpoints at once, whatever else is in progress", async () => {
      const gate = createRequestGate({ yieldMaxMs: 60_000 });
      const { port, events, steps, slow } = await serveWithCheckpoint(gate);
      const neighbour = get(port, "/api/slow", { host: "globex.localhost:3000" });
      await expect.poll(() => slow.length).toBe(1);
      const call = get(port, "/api/v1/customers", {
        host: "acme.localhost:3000",
        authorization: `Bearer lak_${randomUUID()}`,
      });
      await expect.poll(() => steps.length).toBe(1);
      steps[0]();
      expect((await call).status).toBe(200);
      expect(events).toContain("/api/v1/customers checkpoint passes");
      expect(yieldToOtherRequests()).toBeUndefined(); // outside any request
      slow[0]();
      await neighbour;
    });
  });
});
