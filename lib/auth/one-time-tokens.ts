import { createHash, randomBytes } from "node:crypto";
import { controlDb } from "@/lib/db/control";

/**
 * Single-use, short-lived tokens for magic links and the cross-domain sign-in handoff.
 * Only a SHA-256 of the token is stored (verification_tokens.token); consuming deletes
 * the row in the same statement that reads it, so a token works exactly once even when
 * two requests race.
 */
export type TokenPurpose = "magic-link" | "handoff";

export interface TokenClaims {
  purpose: TokenPurpose;
  /** "platform" or the tenant id the token signs into. */
  scope: string;
  userId: string;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function identifierOf(claims: TokenClaims): string {
  return `${claims.purpose}:${claims.scope}:${claims.userId}`;
}

function parseIdentifier(identifier: string): TokenClaims | null {
  const [purpose, scope, userId] = identifier.split(":");
  if ((purpose !== "magic-link" && purpose !== "handoff") || !scope || !userId) return null;
  return { purpose, scope, userId };
}

export async function issueOneTimeToken(claims: TokenClaims, ttlSeconds: number): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const db = await controlDb();
  await db.verificationToken.create({
    data: {
      identifier: identifierOf(claims),
      token: hashToken(token),
      expires: new Date(Date.now() + ttlSeconds * 1000),
    },
  });
  return token;
}

/** Returns the token's claims and deletes it; null when unknown, used or expired. */
export async function consumeOneTimeToken(token: string, purpose: TokenPurpose): Promise<TokenClaims | null> {
  if (!token || token.length > 200) return null;
  const db = await controlDb();
  const rows = await db.$queryRaw<Array<{ identifier: string; expires: Date }>>`
    DELETE FROM verification_tokens WHERE token = ${hashToken(token)} RETURNING identifier, expires`;
  const row = rows[0];
  if (!row || row.expires.getTime() < Date.now()) return null;
  const claims = parseIdentifier(row.identifier);
  return claims && claims.purpose === purpose ? claims : null;
}

/** Housekeeping: expired tokens are useless; delete them. */
export async function purgeExpiredTokens(): Promise<number> {
  const db = await controlDb();
  const { count } = await db.verificationToken.deleteMany({ where: { expires: { lt: new Date() } } });
  return count;
}
