import { describe, expect, it } from "vitest";
import { createPlacement, hostKey, PLACEMENT_DEFAULTS } from "../../server/placement.mjs";

/**
 * Which worker process serves a host (server/placement.mjs): always the same regular
 * worker, until the host's rate limit keeps refusing it — then the overflow worker, until it
 * has been quiet for five minutes.
 */

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function flood(placement: ReturnType<typeof createPlacement>, host: string, refusals: number) {
  for (let i = 0; i < refusals; i++) placement.record(host, 429);
}

describe("placement of hosts on workers", () => {
  it("keeps a host on one regular worker, whatever its case or port, and never on the overflow worker", () => {
    const placement = createPlacement({ workers: 4 });
    const hosts = Array.from({ length: 200 }, (_, i) => `tenant-${i}.example.com`);
    const used = new Set<number>();
    for (const host of hosts) {
      const worker = placement.workerFor(host);
      expect(worker).toBeLessThan(placement.overflow);
      expect(placement.workerFor(host.toUpperCase() + ":3000")).toBe(worker);
      used.add(worker);
    }
    // Spread over every regular worker, not piled onto one.
    expect([...used].sort()).toEqual([0, 1, 2]);
  });

  it("moves a host the rate limit keeps refusing to the overflow worker, and leaves the others where they were", () => {
    const placement = createPlacement({ workers: 3 });
    const before = { noisy: placement.workerFor("noisy.example.com"), quiet: placement.workerFor("quiet.example.com") };
    flood(placement, "noisy.example.com", PLACEMENT_DEFAULTS.quarantineAfter - 1);
    expect(placement.workerFor("noisy.example.com")).toBe(before.noisy);
    placement.record("Noisy.Example.com:443", 429);
    expect(placement.workerFor("noisy.example.com")).toBe(2);
    expect(placement.quarantined()).toEqual(["noisy.example.com"]);
    expect(placement.workerFor("quiet.example.com")).toBe(before.quiet);
  });

  it("counts only rate-limit refusals, and only those within the window", () => {
    const time = clock();
    const placement = createPlacement({ workers: 2, now: time.now });
    for (const status of [200, 400, 401, 403, 404, 500, 503])
      for (let i = 0; i < 20; i++) placement.record("busy.example.com", status);
    expect(placement.workerFor("busy.example.com")).toBe(0);
    // Nine refusals every eleven seconds never reach ten within ten seconds.
    for (let burst = 0; burst < 5; burst++) {
      flood(placement, "busy.example.com", PLACEMENT_DEFAULTS.quarantineAfter - 1);
      time.advance(PLACEMENT_DEFAULTS.windowMs + 1_000);
    }
    expect(placement.quarantined()).toEqual([]);
  });

  it("brings a host back after five quiet minutes, not while it is still refused", () => {
    const time = clock();
    const changes: string[] = [];
    const placement = createPlacement({
      workers: 2,
      now: time.now,
      onChange: (host, change) => changes.push(`${host} ${change}`),
    });
    flood(placement, "noisy.example.com", 10);
    // Still refused now and then: stays in quarantine past five minutes.
    for (let minute = 0; minute < 8; minute++) {
      time.advance(60_000);
      placement.record("noisy.example.com", 429);
      expect(placement.workerFor("noisy.example.com")).toBe(1);
    }
    time.advance(PLACEMENT_DEFAULTS.releaseAfterMs - 1);
    expect(placement.workerFor("noisy.example.com")).toBe(1);
    time.advance(2);
    expect(placement.workerFor("noisy.example.com")).toBe(0);
    expect(changes).toEqual(["noisy.example.com quarantined", "noisy.example.com released"]);
  });

  it("cannot be grown without bound by a client inventing Host headers", () => {
    const placement = createPlacement({ workers: 2, maxHosts: 100 });
    for (let i = 0; i < 1_000; i++) flood(placement, `invented-${i}.example.com`, 10);
    const quarantined = placement.quarantined();
    expect(quarantined).toHaveLength(100);
    expect(quarantined).toContain("invented-999.example.com");
    expect(quarantined).not.toContain("invented-0.example.com");
  });

  it("needs an overflow worker besides a regular one", () => {
    expect(() => createPlacement({ workers: 1 })).toThrow(RangeError);
  });

  it("keys hosts lower-case without port, IPv6 literals included", () => {
    expect(hostKey("Acme.Example.COM:8443")).toBe("acme.example.com");
    expect(hostKey("[::1]:3000")).toBe("[::1]");
    expect(hostKey(undefined)).toBe("");
  });
});
