import { describe, expect, it } from "vitest";
import { classifyHost, DEFAULT_ROOT_DOMAIN, hostnameOf, RESERVED_SUBDOMAINS, rootHostname } from "@/lib/tenancy/hosts";

/** How the proxy reads a request's Host header: platform, tenant, reserved name or someone else's domain. */

describe("classifyHost with root domain logiaccounting.test", () => {
  const root = "logiaccounting.test";
  const classify = (host: string | null) => classifyHost(host, root);

  it("the root domain itself is the platform, with or without a port", () => {
    expect(classify("logiaccounting.test")).toEqual({ kind: "root" });
    expect(classify("logiaccounting.test:443")).toEqual({ kind: "root" });
  });

  it("a missing or empty Host is the platform", () => {
    expect(classify(null)).toEqual({ kind: "root" });
    expect(classify("")).toEqual({ kind: "root" });
  });

  it("an IP literal (health checks, curl to 127.0.0.1) is the platform", () => {
    expect(classify("127.0.0.1")).toEqual({ kind: "root" });
    expect(classify("127.0.0.1:3000")).toEqual({ kind: "root" });
    expect(classify("10.1.2.3:8080")).toEqual({ kind: "root" });
    expect(classify("[::1]:3000")).toEqual({ kind: "root" });
    expect(classify("[::1]")).toEqual({ kind: "root" });
  });

  it("a subdomain is a tenant slug", () => {
    expect(classify("acme.logiaccounting.test")).toMatchObject({ kind: "subdomain", slug: "acme" });
    expect(classify("my-firm-2.logiaccounting.test")).toMatchObject({ kind: "subdomain", slug: "my-firm-2" });
  });

  it("ignores the port, upper case and a trailing dot", () => {
    expect(classify("acme.logiaccounting.test:8443")).toMatchObject({ kind: "subdomain", slug: "acme" });
    expect(classify("ACME.LogiAccounting.TEST")).toMatchObject({ kind: "subdomain", slug: "acme" });
    expect(classify("acme.logiaccounting.test.")).toMatchObject({ kind: "subdomain", slug: "acme" });
    expect(classify("Acme.LogiAccounting.test.:8443")).toMatchObject({ kind: "subdomain", slug: "acme" });
    expect(classify("  acme.logiaccounting.test  ")).toMatchObject({ kind: "subdomain", slug: "acme" });
    expect(classify("LOGIACCOUNTING.TEST.")).toEqual({ kind: "root" });
  });

  it("reserved names never reach a tenant", () => {
    for (const label of ["www", "app", "api", "admin", "auth", "billing", "status"]) {
      expect(RESERVED_SUBDOMAINS.has(label)).toBe(true);
      expect(classify(`${label}.logiaccounting.test`)).toEqual({ kind: "reserved", label });
    }
    expect(classify("WWW.logiaccounting.test:443")).toEqual({ kind: "reserved", label: "www" });
  });

  it("a nested subdomain is not a tenant", () => {
    expect(classify("a.acme.logiaccounting.test")).toEqual({ kind: "other", hostname: "a.acme.logiaccounting.test" });
    expect(classify("www.acme.logiaccounting.test:80")).toEqual({
      kind: "other",
      hostname: "www.acme.logiaccounting.test",
    });
  });

  it("a foreign domain is other (a custom domain candidate), also when it merely ends like the root", () => {
    expect(classify("app.initech.test")).toEqual({ kind: "other", hostname: "app.initech.test" });
    expect(classify("books.example.com:443")).toEqual({ kind: "other", hostname: "books.example.com" });
    expect(classify("evillogiaccounting.test")).toEqual({ kind: "other", hostname: "evillogiaccounting.test" });
    expect(classify("logiaccounting.test.evil.com")).toEqual({
      kind: "other",
      hostname: "logiaccounting.test.evil.com",
    });
  });

  it("a Host that is not a plain host name never reaches a tenant or the platform", () => {
    for (const host of ["acme.logiaccounting.test/evil", "user@acme.logiaccounting.test", "acme logiaccounting.test"]) {
      expect(["other", "invalid"], host).toContain(classify(host).kind);
    }
  });
});

describe("classifyHost with the default root domain localhost:3000", () => {
  it("the root domain defaults to localhost", () => {
    expect(DEFAULT_ROOT_DOMAIN).toBe("localhost:3000");
    expect(rootHostname("localhost:3000")).toBe("localhost");
  });

  it("localhost on any port is the platform, <slug>.localhost a tenant", () => {
    expect(classifyHost("localhost:3000", "localhost:3000")).toEqual({ kind: "root" });
    expect(classifyHost("localhost:3300", "localhost:3300")).toEqual({ kind: "root" });
    expect(classifyHost("acme.localhost:3300", "localhost:3300")).toMatchObject({ kind: "subdomain", slug: "acme" });
    expect(classifyHost("nosuch.localhost:3300", "localhost:3300")).toMatchObject({
      kind: "subdomain",
      slug: "nosuch",
    });
    expect(classifyHost("api.localhost:3000", "localhost:3000")).toEqual({ kind: "reserved", label: "api" });
  });

  it("reads ROOT_DOMAIN from the environment when no root is given", () => {
    const saved = process.env.ROOT_DOMAIN;
    try {
      process.env.ROOT_DOMAIN = "books.example:8080";
      expect(classifyHost("globex.books.example")).toMatchObject({ kind: "subdomain", slug: "globex" });
      expect(classifyHost("books.example:8080")).toEqual({ kind: "root" });
      delete process.env.ROOT_DOMAIN;
      expect(classifyHost("globex.localhost:3000")).toMatchObject({ kind: "subdomain", slug: "globex" });
    } finally {
      if (saved === undefined) delete process.env.ROOT_DOMAIN;
      else process.env.ROOT_DOMAIN = saved;
    }
  });
});

describe("hostnameOf", () => {
  it("lower-cases and drops the port and trailing dots", () => {
    expect(hostnameOf("Acme.Example.COM.:8080")).toBe("acme.example.com");
    expect(hostnameOf("[2001:DB8::1]:443")).toBe("[2001:db8::1]");
  });
});
