import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyHost, normalizeHost, normalizeHostPaths, rootHostname } from "@/lib/tenancy/hosts";

describe("normalizeHost", () => {
  it.each([
    ["acme.example", "acme.example"],
    ["ACME.Example", "acme.example"],
    ["acme.example:3000", "acme.example"],
    ["acme.example:", "acme.example"],
    ["acme.example.", "acme.example"],
    ["acme.example..", "acme.example"],
    ["Acme.Example.:443", "acme.example"],
    ["  acme.example  ", "acme.example"],
    ["bücher.example", "xn--bcher-kva.example"],
    ["BÜCHER.example:8080", "xn--bcher-kva.example"],
    ["xn--bcher-kva.example", "xn--bcher-kva.example"],
    // Full-width letters and the ideographic full stop map to their ASCII forms (UTS #46).
    ["ａｃｍｅ。example", "acme.example"],
    ["127.0.0.1:3000", "127.0.0.1"],
    ["[::1]", "[::1]"],
    ["[::1]:3000", "[::1]"],
    ["[0:0:0:0:0:0:0:1]:80", "[::1]"],
    ["[2001:DB8::1]", "[2001:db8::1]"],
    ["localhost", "localhost"],
  ])("%j → %j", (input, expected) => {
    expect(normalizeHost(input)).toBe(expected);
  });

  it.each([
    [""],
    ["   "],
    [":3000"],
    ["."],
    ["a..b"],
    [".acme.example"],
    ["-acme.example"],
    ["acme-.example"],
    ["ac_me.example"],
    ["acme example"],
    ["user@acme.example"],
    ["acme.example/path"],
    ["acme.example\\path"],
    ["acme.example?x"],
    ["acme.example#x"],
    ["bücher.example/path"],
    ["acme.example\u0000"],
    ["acme.example:abc"],
    ["acme.example:99999"],
    ["acme.example:3000:3000"],
    ["::1"],
    ["[::1"],
    ["[::1]x"],
    ["[fe80::1%eth0]"],
    ["[not-an-ip]"],
    ["xn--zz.example"],
    // An all-digit last label is an IPv4 address or nothing.
    ["acme.123"],
    ["1.2.3"],
    ["010.0.0.1"],
    ["axn--a.1"],
    [`${"a".repeat(64)}.example`],
    [`${"a.".repeat(127)}example`],
  ])("rejects %j", (input) => {
    expect(normalizeHost(input)).toBeNull();
  });

  it("accepts a 63-character label", () => {
    const label = "a".repeat(63);
    expect(normalizeHost(`${label}.example`)).toBe(`${label}.example`);
  });
});

describe("classifyHost", () => {
  const root = "logiaccounting.test:3000";

  it("reads the root domain's host name without its port", () => {
    expect(rootHostname(root)).toBe("logiaccounting.test");
    expect(rootHostname("localhost:3000")).toBe("localhost");
    expect(() => rootHostname("not a host")).toThrow(/ROOT_DOMAIN/);
  });

  it("sends the root domain, bare IPs and a missing Host header to the platform", () => {
    for (const host of [
      "logiaccounting.test",
      "LOGIACCOUNTING.test:3000",
      "logiaccounting.test.",
      "10.0.0.1",
      "[::1]:3000",
      null,
      "",
    ]) {
      expect(classifyHost(host, root)).toEqual({ kind: "root" });
    }
  });

  it("reads one label below the root domain as a slug", () => {
    expect(classifyHost("Acme.LogiAccounting.test:3000", root)).toEqual({
      kind: "subdomain",
      slug: "acme",
      hostname: "acme.logiaccounting.test",
    });
  });

  it("keeps reserved names and punycode labels for the platform", () => {
    expect(classifyHost("www.logiaccounting.test", root)).toEqual({ kind: "reserved", label: "www" });
    expect(classifyHost("API.logiaccounting.test", root)).toEqual({ kind: "reserved", label: "api" });
    expect(classifyHost("bücher.logiaccounting.test", root)).toEqual({ kind: "reserved", label: "xn--bcher-kva" });
  });

  it("treats deeper names and foreign names as candidate custom domains", () => {
    expect(classifyHost("a.b.logiaccounting.test", root)).toEqual({
      kind: "other",
      hostname: "a.b.logiaccounting.test",
    });
    expect(classifyHost("app.acme.com", root)).toEqual({ kind: "other", hostname: "app.acme.com" });
    // A name that merely ends with the root's characters is not under the root domain.
    expect(classifyHost("evillogiaccounting.test", root)).toEqual({
      kind: "other",
      hostname: "evillogiaccounting.test",
    });
  });

  it("marks a Host header that is not a host name as invalid", () => {
    expect(classifyHost("acme.logiaccounting.test@evil.example", root)).toEqual({ kind: "invalid" });
    expect(classifyHost("a_b.logiaccounting.test", root)).toEqual({ kind: "invalid" });
  });

  it("uses ROOT_DOMAIN's default localhost:3000", () => {
    const saved = process.env.ROOT_DOMAIN;
    delete process.env.ROOT_DOMAIN;
    try {
      expect(classifyHost("acme.localhost:3000")).toMatchObject({ kind: "subdomain", slug: "acme" });
    } finally {
      if (saved !== undefined) process.env.ROOT_DOMAIN = saved;
    }
  });
});

describe("normalizeHost properties", () => {
  // Characters that matter to host parsing, so random strings hit the interesting cases.
  const hostChars = fc.constantFrom(..."abcxyzAXZ019-.:[]_@/ ü。ＡxN".split(""), "xn--", "--", "..", ":3000", "::1");
  const hostLike = fc.array(hostChars, { maxLength: 24 }).map((parts) => parts.join(""));

  it("the one-pass fast path agrees with the general path wherever it answers", () => {
    fc.assert(
      fc.property(hostLike, (host) => {
        const fast = normalizeHostPaths.plain(host);
        if (fast !== undefined) expect(fast).toBe(normalizeHostPaths.any(host));
      }),
      { numRuns: 50_000 },
    );
  });

  it("is idempotent and only produces lower-case ASCII host names", () => {
    fc.assert(
      fc.property(hostLike, (host) => {
        const once = normalizeHost(host);
        if (once === null) return;
        expect(normalizeHost(once)).toBe(once);
        expect(once).toMatch(/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/);
      }),
      { numRuns: 20_000 },
    );
  });
});
