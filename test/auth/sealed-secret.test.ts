import { describe, expect, it } from "vitest";
import { decryptTotpSecret, encryptTotpSecret } from "@/lib/auth/mfa";
import { seal, unseal, type SealPurpose } from "@/lib/auth/sealed-secret";
import { decryptSigningSecret } from "@/lib/integrations/secrets";
import { decryptDatabaseUrl } from "@/lib/tenancy/isolation/database-url";

/**
 * The one way secrets that must be read back are kept (lib/auth/sealed-secret.ts): a value
 * opens only for its purpose, its owner and its AUTH_SECRET. The values below were sealed by
 * the three copies of this code that came before the module: what is stored stays readable.
 */

const env: NodeJS.ProcessEnv = { ...process.env, AUTH_SECRET: "golden-auth-secret-for-the-sealed-secret-test" };
const purpose: SealPurpose = { salt: "test", info: "sealed-secret", label: "test secret" };

describe("sealed secrets", () => {
  it("values sealed before the module existed still open, each with its own owner", () => {
    expect(
      decryptTotpSecret(
        "v1.BjTm3GES6KXdbsLZ.AiD1zT4spATY_ce-ebo5EA.Io1pzJ0KkYbSrrbu7HNCOe_QJYIZ9joASFP4R-Agufc",
        "11111111-1111-4111-8111-111111111111",
        env,
      ),
    ).toBe("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
    expect(
      decryptDatabaseUrl(
        "v1.T1J_5W_EglXsmIyR.6OQugKfrKlbD09rrmdtcYA.iaH91i0Lkk3ROb8odYZreCRvko604SkA4Rqpf9ax0PO_kPHUojU",
        "22222222-2222-4222-8222-222222222222",
        env,
      ),
    ).toBe("postgresql://u:p@db.example.com:5432/t");
    expect(
      decryptSigningSecret(
        "v1.hOaBed7_B4wO6jys.nKW9GQ8jm3uKu9idpxKiNg.0JTlxH_iVfn2aQWo",
        "33333333-3333-4333-8333-333333333333",
        env,
      ),
    ).toBe("whsec_golden");
  });

  it("opens only for the same purpose, owner and AUTH_SECRET, and never unaltered", () => {
    const sealed = seal("the secret", purpose, "owner-a", env);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain("secret");
    expect(unseal(sealed, purpose, "owner-a", env)).toBe("the secret");
    expect(() => unseal(sealed, purpose, "owner-b", env)).toThrow();
    expect(() => unseal(sealed, { ...purpose, info: "other" }, "owner-a", env)).toThrow();
    expect(() => unseal(sealed, purpose, "owner-a", { ...process.env, AUTH_SECRET: "rotated" })).toThrow();
    const [v, iv, tag, body] = sealed.split(".");
    const flipped = body.startsWith("A") ? `B${body.slice(1)}` : `A${body.slice(1)}`;
    expect(() => unseal([v, iv, tag, flipped].join("."), purpose, "owner-a", env)).toThrow();
    expect(() => unseal("plain text", purpose, "owner-a", env)).toThrow("Unknown test secret format");
    // A TOTP secret sealed for a user is not a signing secret of an endpoint with that id.
    const totp = encryptTotpSecret("JBSWY3DPEHPK3PXP", "44444444-4444-4444-8444-444444444444", env);
    expect(() => decryptSigningSecret(totp, "44444444-4444-4444-8444-444444444444", env)).toThrow();
  });
});
