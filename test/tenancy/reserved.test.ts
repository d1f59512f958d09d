import { describe, expect, it } from "vitest";
import { isReservedSlug, isValidSlugFormat, RESERVED_SUBDOMAINS, slugProblem } from "@/lib/tenancy/reserved";

describe("reserved names", () => {
  it.each(["www", "app", "api", "admin", "mail", "status", "docs", "WWW", "Admin"])("%s is reserved", (name) => {
    expect(isReservedSlug(name)).toBe(true);
    expect(slugProblem(name.toLowerCase())).toBe("reserved");
  });

  it("reserves IDNA labels (xn--…), which browsers show as look-alike Unicode names", () => {
    expect(isReservedSlug("xn--pypal-4ve")).toBe(true);
    expect(isReservedSlug("ab--cd")).toBe(true);
    expect(isReservedSlug("a-b--c")).toBe(false);
  });

  it("leaves ordinary tenant names free", () => {
    for (const slug of ["acme", "globex", "initech", "acme-corp", "a1"]) {
      expect(isReservedSlug(slug)).toBe(false);
      expect(slugProblem(slug)).toBeNull();
    }
  });

  it("every reserved name is itself a well-formed slug, so the list cannot drift into dead entries", () => {
    for (const name of RESERVED_SUBDOMAINS) expect(isValidSlugFormat(name), name).toBe(true);
  });
});

describe("slug format (same rule as the tenants_slug_format CHECK)", () => {
  it.each(["a", "0", "acme", "acme-corp", "a".repeat(63), "1-2-3"])("accepts %j", (slug) => {
    expect(isValidSlugFormat(slug)).toBe(true);
  });

  it.each(["", "-acme", "acme-", "Acme", "ac_me", "ac.me", "acme ", "a".repeat(64), "bücher"])("rejects %j", (slug) => {
    expect(isValidSlugFormat(slug)).toBe(false);
    expect(slugProblem(slug)).toBe("format");
  });
});
