import { describe, expect, it } from "vitest";
import { ValidationError } from "@/lib/http/errors";
import { signatureHeader, verifySignature } from "@/lib/integrations/signature";
import { isPrivateAddress, parseWebhookUrl, resolveTarget, TargetRefusedError } from "@/lib/integrations/targets";
import { startDnsServer } from "./dns-server";

/**
 * Where events may be sent (no SSRF into the server's own network) and how receivers check
 * that an event is ours: the rules of lib/integrations/targets.ts and signature.ts.
 */

const strict = { allowPrivate: false };
const lenient = { allowPrivate: true };

describe("target addresses", () => {
  it("loopback, private, link-local, shared, documentation and multicast addresses are not public", () => {
    for (const address of [
      "127.0.0.1",
      "10.20.30.40",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
      "::1",
      "::",
      "fc00::1",
      "fd12:3456::1",
      "fe80::1",
      "::ffff:127.0.0.1",
      "::ffff:10.0.0.1",
      "not-an-address",
    ])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::6810:84e5", "::ffff:8.8.8.8"])
      expect(isPrivateAddress(address), address).toBe(false);
  });

  it("a saved URL: https, no credentials, no private literal or localhost (unless the deployment allows them)", () => {
    expect(parseWebhookUrl(" https://hooks.example.com/in#frag ", strict)).toBe("https://hooks.example.com/in");
    for (const url of [
      "http://hooks.example.com/in",
      "https://u:p@hooks.example.com/in",
      "https://169.254.169.254/latest/meta-data",
      "https://[fd00::1]/x",
      "https://api.localhost/x",
      "javascript:alert(1)",
      "",
      42,
    ]) {
      expect(() => parseWebhookUrl(url, strict), String(url)).toThrow(ValidationError);
    }
    expect(parseWebhookUrl("http://127.0.0.1:8080/x", lenient)).toBe("http://127.0.0.1:8080/x");
  });

  it("at delivery every address the host resolves to (DNS, through a real DNS server) is checked, and a public one is used", async () => {
    const dns = await startDnsServer({
      "hooks.example.test": { a: ["93.184.216.34"], aaaa: ["2606:2800:220:1::1"] },
      "rebind.example.test": { a: ["93.184.216.34", "10.0.0.7"] },
      "metadata.example.test": { a: ["169.254.169.254"] },
      "v6-internal.example.test": { aaaa: ["fd00::5"] },
    });
    try {
      const policy = { allowPrivate: false, dnsServers: [dns.address] };
      expect(await resolveTarget(new URL("https://hooks.example.test/in"), policy)).toEqual({
        address: "93.184.216.34",
        family: 4,
      });
      // One private answer among public ones is enough to refuse: the connection could get it.
      await expect(resolveTarget(new URL("https://rebind.example.test/in"), policy)).rejects.toThrow(
        "rebind.example.test resolves to a private address (10.0.0.7)",
      );
      await expect(resolveTarget(new URL("https://metadata.example.test/"), policy)).rejects.toThrow(
        /169\.254\.169\.254/,
      );
      await expect(resolveTarget(new URL("https://v6-internal.example.test/"), policy)).rejects.toThrow(/fd00::5/);
      await expect(resolveTarget(new URL("https://nowhere.example.test/"), policy)).rejects.toThrow(/cannot resolve/);
    } finally {
      await dns.close();
    }
    await expect(resolveTarget(new URL("https://127.0.0.1/x"), strict)).rejects.toThrow(TargetRefusedError);
    await expect(resolveTarget(new URL("https://[::1]/x"), strict)).rejects.toThrow(TargetRefusedError);
    // Development (WEBHOOK_ALLOW_PRIVATE_TARGETS): the system's lookup, /etc/hosts included.
    expect(await resolveTarget(new URL("https://localhost/x"), lenient)).toMatchObject({
      address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/),
    });
  });
});

describe("signatures", () => {
  const secret = "whsec_test";
  const body = JSON.stringify({ id: "e1", type: "invoice.paid" });

  it("a receiver accepts our signature of the exact body within five minutes, and nothing else", () => {
    const now = Date.UTC(2026, 10, 27, 12);
    const header = signatureHeader(secret, body, now / 1000);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, body, header, { now })).toBe(true);
    expect(verifySignature(secret, body, header, { now: now + 299_000 })).toBe(true);
    expect(verifySignature(secret, body, header, { now: now + 301_000 })).toBe(false);
    expect(verifySignature("whsec_other", body, header, { now })).toBe(false);
    expect(verifySignature(secret, `${body} `, header, { now })).toBe(false);
    expect(verifySignature(secret, body, header.replace(/t=\d+/, `t=${now / 1000 + 1}`), { now })).toBe(false);
    expect(verifySignature(secret, body, undefined, { now })).toBe(false);
    expect(verifySignature(secret, body, "v1=abc", { now })).toBe(false);
  });
});
