import { describe, expect, it } from "vitest";
import { can, canGrant, PERMISSIONS, ROLES } from "@/lib/auth/permissions";
import { passwordProblems, parsePasswordPolicy } from "@/lib/auth/password-policy";
import { AttemptThrottle } from "@/lib/auth/throttle";

describe("sign-in throttle", () => {
  it("lets the limit through, then asks to wait until the window ends", () => {
    const throttle = new AttemptThrottle(3, 60_000);
    const t0 = 1_000_000;
    expect([1, 2, 3].map(() => throttle.hit("alice@acme.test", t0))).toEqual([0, 0, 0]);
    expect(throttle.hit("alice@acme.test", t0 + 1_000)).toBe(59);
    // Another account is counted on its own.
    expect(throttle.hit("bob@globex.test", t0 + 1_000)).toBe(0);
    // A new window starts afresh.
    expect(throttle.hit("alice@acme.test", t0 + 60_001)).toBe(0);
  });

  it("blockedFor only reads: it never counts an attempt", () => {
    const throttle = new AttemptThrottle(2, 60_000);
    expect(throttle.blockedFor("a", 0)).toBe(0);
    throttle.hit("a", 0);
    expect(throttle.blockedFor("a", 1)).toBe(0);
    throttle.hit("a", 2);
    expect(throttle.blockedFor("a", 1_000)).toBe(59);
    expect(throttle.blockedFor("a", 1_000)).toBe(59);
    expect(throttle.blockedFor("a", 60_001)).toBe(0);
  });

  it("a successful sign-in resets the account's counter", () => {
    const throttle = new AttemptThrottle(1, 60_000);
    throttle.hit("a", 0);
    throttle.reset("a");
    expect(throttle.hit("a", 1)).toBe(0);
  });
});

describe("permission matrix", () => {
  it("ranks owner > admin > member > viewer for every permission", () => {
    for (const permission of Object.keys(PERMISSIONS) as Array<keyof typeof PERMISSIONS>) {
      const allowed = ROLES.map((role) => can(role, permission));
      // Once a role is refused, every lower role is refused too.
      expect(allowed.indexOf(false) === -1 || allowed.slice(allowed.indexOf(false)).every((a) => !a)).toBe(true);
    }
  });

  it("viewers only read; members write records but do not delete; admins manage the workspace; owners bill", () => {
    expect(can("viewer", "tenant:read")).toBe(true);
    expect(can("viewer", "records:create")).toBe(false);
    expect(can("member", "records:update")).toBe(true);
    expect(can("member", "records:delete")).toBe(false);
    expect(can("admin", "api_keys:manage")).toBe(true);
    expect(can("admin", "billing:manage")).toBe(false);
    expect(can("owner", "tenant:delete")).toBe(true);
  });

  it("nobody grants a role above their own", () => {
    expect(canGrant("admin", "owner")).toBe(false);
    expect(canGrant("admin", "admin")).toBe(true);
    expect(canGrant("member", "viewer")).toBe(false);
    expect(canGrant("owner", "owner")).toBe(true);
  });
});

describe("password policy", () => {
  it("names every rule a password breaks", () => {
    const policy = parsePasswordPolicy({ minLength: 12, requireUppercase: true, requireSymbol: true });
    expect(passwordProblems("short1", policy)).toEqual([
      "Use at least 12 characters.",
      "Add an upper-case letter.",
      "Add a symbol.",
    ]);
    expect(passwordProblems("Long-enough-Passw0rd", policy)).toEqual([]);
  });

  it("an invalid stored policy falls back to the defaults instead of failing sign-up", () => {
    expect(parsePasswordPolicy({ minLength: "ten" })).toEqual(parsePasswordPolicy({}));
  });
});
