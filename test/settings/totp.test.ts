import { describe, expect, it } from "vitest";
import {
  base32Decode,
  base32Encode,
  decryptTotpSecret,
  encryptTotpSecret,
  generateRecoveryCodes,
  generateTotpSecret,
  hashRecoveryCode,
  hotp,
  looksLikeRecoveryCode,
  otpauthUri,
  totp,
  verifyTotp,
} from "@/lib/auth/mfa";

/** TOTP and its supporting pieces against the RFCs' own test vectors, and the rules we add on top. */

const ascii = (text: string) => new TextEncoder().encode(text);
const SEED_SHA1 = ascii("12345678901234567890");
const SEED_SHA256 = ascii("12345678901234567890123456789012");
const SEED_SHA512 = ascii("1234567890123456789012345678901234567890123456789012345678901234");

describe("HOTP (RFC 4226, appendix D)", () => {
  it("gives the published 6-digit values for counters 0 to 9", () => {
    const expected = [
      "755224",
      "287082",
      "359152",
      "969429",
      "338314",
      "254676",
      "287922",
      "162583",
      "399871",
      "520489",
    ];
    expect(expected.map((_, counter) => hotp(SEED_SHA1, counter))).toEqual(expected);
  });
});

describe("TOTP (RFC 6238, appendix B)", () => {
  const vectors: [number, string, string, string][] = [
    [59, "94287082", "46119246", "90693936"],
    [1111111109, "07081804", "68084774", "25091201"],
    [1111111111, "14050471", "67062674", "99943326"],
    [1234567890, "89005924", "91819424", "93441116"],
    [2000000000, "69279037", "90698825", "38618901"],
    [20000000000, "65353130", "77737706", "47863826"],
  ];
  it.each(vectors)("at %i s: SHA1 %s, SHA256 %s, SHA512 %s", (seconds, sha1, sha256, sha512) => {
    const at = seconds * 1000;
    expect(totp(SEED_SHA1, at, { digits: 8, algorithm: "sha1" })).toBe(sha1);
    expect(totp(SEED_SHA256, at, { digits: 8, algorithm: "sha256" })).toBe(sha256);
    expect(totp(SEED_SHA512, at, { digits: 8, algorithm: "sha512" })).toBe(sha512);
  });
});

describe("verifying a code", () => {
  const key = SEED_SHA1;
  const now = 1_700_000_000_000;
  const step = Math.floor(now / 30_000);

  it("accepts the current code and the codes one step either side, no further", () => {
    expect(verifyTotp(key, totp(key, now), { now })).toBe(step);
    expect(verifyTotp(key, totp(key, now - 30_000), { now })).toBe(step - 1);
    expect(verifyTotp(key, totp(key, now + 30_000), { now })).toBe(step + 1);
    expect(verifyTotp(key, totp(key, now - 60_000), { now })).toBeNull();
    expect(verifyTotp(key, totp(key, now + 60_000), { now })).toBeNull();
  });

  it("refuses a step already used, and every earlier one (replay)", () => {
    const code = totp(key, now);
    expect(verifyTotp(key, code, { now, lastStep: step - 1 })).toBe(step);
    expect(verifyTotp(key, code, { now, lastStep: step })).toBeNull();
    expect(verifyTotp(key, totp(key, now - 30_000), { now, lastStep: step })).toBeNull();
  });

  it("refuses anything that is not six digits; spaces inside are allowed", () => {
    const code = totp(key, now);
    expect(verifyTotp(key, `${code.slice(0, 3)} ${code.slice(3)}`, { now })).toBe(step);
    for (const bad of ["", "12345", "1234567", "abcdef", `${code}0`]) expect(verifyTotp(key, bad, { now })).toBeNull();
  });
});

describe("base32, secrets and the otpauth URI", () => {
  it("round-trips and matches RFC 4648's examples", () => {
    expect(base32Encode(ascii("foobar"))).toBe("MZXW6YTBOI");
    expect(new TextDecoder().decode(base32Decode("mzxw6ytboi======"))).toBe("foobar");
    expect(() => base32Decode("not base32!")).toThrow();
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
  });

  it("builds the URI authenticator apps import", () => {
    const uri = new URL(otpauthUri("JBSWY3DPEHPK3PXP", "alice@acme.test", "Acme"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe("/Acme:alice@acme.test");
    expect(uri.searchParams.get("secret")).toBe("JBSWY3DPEHPK3PXP");
    expect(uri.searchParams.get("issuer")).toBe("Acme");
  });
});

describe("the secret at rest", () => {
  const env = { AUTH_SECRET: "test-secret-for-mfa-encryption-0123456789" } as unknown as NodeJS.ProcessEnv;
  const user = "00000000-0000-4000-8000-000000000001";

  it("is encrypted (not readable, different each time) and decrypts for its user only", () => {
    const secret = generateTotpSecret();
    const a = encryptTotpSecret(secret, user, env);
    const b = encryptTotpSecret(secret, user, env);
    expect(a).not.toContain(secret);
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(255);
    expect(decryptTotpSecret(a, user, env)).toBe(secret);
    // Copied onto another user's row, or altered, or under another key: refused.
    expect(() => decryptTotpSecret(a, "00000000-0000-4000-8000-000000000002", env)).toThrow();
    const parts = a.split(".");
    parts[3] = Buffer.from("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").toString("base64url");
    expect(() => decryptTotpSecret(parts.join("."), user, env)).toThrow();
    expect(() =>
      decryptTotpSecret(a, user, { AUTH_SECRET: "another-key-entirely-000000000000" } as unknown as NodeJS.ProcessEnv),
    ).toThrow();
  });
});

describe("recovery codes", () => {
  it("are ten distinct codes, stored as hashes that ignore case and dashes", () => {
    const codes = generateRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
      expect(looksLikeRecoveryCode(code)).toBe(true);
      expect(hashRecoveryCode(code)).toMatch(/^[0-9a-f]{64}$/);
      expect(hashRecoveryCode(code.toUpperCase().replace("-", ""))).toBe(hashRecoveryCode(code));
    }
    expect(looksLikeRecoveryCode("123456")).toBe(false);
  });
});
