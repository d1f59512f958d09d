import { describe, expect, it } from "vitest";
import { isIpAllowed, validateCidrList } from "@/lib/tenancy/ip-allow-list";

describe("isIpAllowed", () => {
  it("allows everyone when no list is configured", () => {
    expect(isIpAllowed("203.0.113.9", [])).toBe(true);
    expect(isIpAllowed(null, [])).toBe(true);
  });

  it("matches IPv4 addresses and ranges", () => {
    const list = ["10.0.0.0/8", "192.168.1.7", "172.16.0.0/12"];
    expect(isIpAllowed("10.200.3.4", list)).toBe(true);
    expect(isIpAllowed("192.168.1.7", list)).toBe(true);
    expect(isIpAllowed("192.168.1.8", list)).toBe(false);
    expect(isIpAllowed("172.31.255.255", list)).toBe(true);
    expect(isIpAllowed("172.32.0.0", list)).toBe(false);
    expect(isIpAllowed("11.0.0.1", list)).toBe(false);
  });

  it("matches IPv6 addresses and ranges, in any spelling", () => {
    const list = ["2001:db8::/32", "::1"];
    expect(isIpAllowed("2001:db8:1234::1", list)).toBe(true);
    expect(isIpAllowed("2001:DB8::abcd", list)).toBe(true);
    expect(isIpAllowed("[2001:db8::1]", list)).toBe(true);
    expect(isIpAllowed("0:0:0:0:0:0:0:1", list)).toBe(true);
    expect(isIpAllowed("2001:db9::1", list)).toBe(false);
    expect(isIpAllowed("fe80::1%eth0", ["fe80::/10"])).toBe(true);
  });

  it("matches IPv4-mapped IPv6 client addresses against IPv4 ranges (dual-stack sockets)", () => {
    expect(isIpAllowed("::ffff:10.1.2.3", ["10.0.0.0/8"])).toBe(true);
    expect(isIpAllowed("::ffff:11.1.2.3", ["10.0.0.0/8"])).toBe(false);
  });

  it("/0 allows the whole family, and only that family", () => {
    expect(isIpAllowed("198.51.100.1", ["0.0.0.0/0"])).toBe(true);
    expect(isIpAllowed("2001:db8::1", ["0.0.0.0/0"])).toBe(false);
  });

  it("ignores invalid entries but keeps the valid ones", () => {
    expect(isIpAllowed("10.0.0.1", ["not-an-ip", "10.0.0.0/33", "10.0.0.0/8"])).toBe(true);
  });

  it("a list of nothing but invalid entries allows nobody (fails closed)", () => {
    expect(isIpAllowed("10.0.0.1", ["garbage", "10.0.0.0/99"])).toBe(false);
  });

  it("never allows an unparsable or missing client address through a configured list", () => {
    for (const ip of ["", "unknown", "10.0.0", null, undefined])
      expect(isIpAllowed(ip, ["0.0.0.0/0", "::/0"])).toBe(false);
  });
});

describe("validateCidrList", () => {
  it("accepts addresses and ranges of both families", () => {
    expect(validateCidrList(["10.0.0.0/8", " 192.168.0.1 ", "2001:db8::/32", "::1", "0.0.0.0/0", "::/0"])).toEqual({
      ok: true,
      entries: ["10.0.0.0/8", "192.168.0.1", "2001:db8::/32", "::1", "0.0.0.0/0", "::/0"],
      errors: [],
    });
  });

  it("names every bad entry with its position and reason", () => {
    const result = validateCidrList([
      "10.0.0.0/8",
      "10.0.0.0/33",
      "example.com",
      "",
      "2001:db8::/129",
      "10.0.0.1/x",
      "fe80::1%eth0",
      "1.2.3.4/08a",
    ]);
    expect(result.ok).toBe(false);
    expect(result.entries).toEqual(["10.0.0.0/8"]);
    expect(result.errors.map((e) => [e.index, e.entry])).toEqual([
      [1, "10.0.0.0/33"],
      [2, "example.com"],
      [3, ""],
      [4, "2001:db8::/129"],
      [5, "10.0.0.1/x"],
      [6, "fe80::1%eth0"],
      [7, "1.2.3.4/08a"],
    ]);
    expect(result.errors[0].reason).toMatch(/0 to 32/);
    expect(result.errors[1].reason).toMatch(/"example.com" is not an IPv4 or IPv6 address/);
    expect(result.errors[3].reason).toMatch(/0 to 128/);
  });
});
