import { randomBytes } from "node:crypto";
import { cookies, headers } from "next/headers";
import { controlDb } from "@/lib/db/control";
import { publicProtocol } from "@/lib/tenancy/urls";
import { hashToken } from "./one-time-tokens";

/**
 * The step between "the password (or magic link) was right" and "signed in" for a user
 * with MFA. The first factor leaves a challenge: 32 random bytes in an httpOnly host-only
 * cookie, only their SHA-256 in verification_tokens (identifier
 * `mfa-challenge:<scope>:<user id>`, a purpose the one-time-token provider never accepts),
 * valid for 5 minutes and on this host's scope only. The "mfa" Credentials provider then
 * needs the cookie AND a valid code; a correct code consumes the challenge (DELETE …
 * RETURNING, so it signs in once).
 */

export const MFA_CHALLENGE_COOKIE = "logi-mfa-challenge";
const TTL_SECONDS = 5 * 60;
const PURPOSE = "mfa-challenge";

export interface MfaChallenge {
  userId: string;
  scope: string;
}

function identifier(challenge: MfaChallenge): string {
  return `${PURPOSE}:${challenge.scope}:${challenge.userId}`;
}

function parse(identifierText: string): MfaChallenge | null {
  const [purpose, scope, userId] = identifierText.split(":");
  return purpose === PURPOSE && scope && userId ? { scope, userId } : null;
}

/** Secure cookies whenever the public address is https (or a proxy in front says so). */
async function secureCookies(): Promise<boolean> {
  const h = await headers();
  return publicProtocol() === "https" || h.get("x-forwarded-proto") === "https";
}

/** Records a challenge for the user on this scope and hands its token to the browser. */
export async function issueMfaChallenge(challenge: MfaChallenge): Promise<void> {
  const token = randomBytes(32).toString("base64url");
  const db = await controlDb();
  await db.verificationToken.create({
    data: {
      identifier: identifier(challenge),
      token: hashToken(token),
      expires: new Date(Date.now() + TTL_SECONDS * 1000),
    },
  });
  (await cookies()).set(MFA_CHALLENGE_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: TTL_SECONDS,
    secure: await secureCookies(),
  });
}

async function challengeToken(): Promise<string | null> {
  const token = (await cookies()).get(MFA_CHALLENGE_COOKIE)?.value;
  return token && token.length <= 100 ? token : null;
}

/** The pending challenge of this browser for `scope`, without using it up; null when none. */
export async function pendingMfaChallenge(scope: string): Promise<MfaChallenge | null> {
  const token = await challengeToken();
  if (!token) return null;
  const db = await controlDb();
  const row = await db.verificationToken.findFirst({ where: { token: hashToken(token) } });
  if (!row || row.expires.getTime() < Date.now()) return null;
  const challenge = parse(row.identifier);
  return challenge && challenge.scope === scope ? challenge : null;
}

/** Uses the challenge up (once, even under a race) and clears the cookie. */
export async function consumeMfaChallenge(scope: string): Promise<MfaChallenge | null> {
  const token = await challengeToken();
  if (!token) return null;
  const db = await controlDb();
  const rows = await db.$queryRaw<Array<{ identifier: string; expires: Date }>>`
    DELETE FROM verification_tokens WHERE token = ${hashToken(token)} RETURNING identifier, expires`;
  (await cookies()).delete(MFA_CHALLENGE_COOKIE);
  const row = rows[0];
  if (!row || row.expires.getTime() < Date.now()) return null;
  const challenge = parse(row.identifier);
  return challenge && challenge.scope === scope ? challenge : null;
}
