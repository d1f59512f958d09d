import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { controlDb } from "@/lib/db/control";
import { clientIp, hostScope, PLATFORM_SCOPE } from "./host-scope";
import { consumeMfaChallenge, issueMfaChallenge, pendingMfaChallenge } from "./mfa-challenge";
import { verifySecondFactor } from "./mfa-store";
import { consumeOneTimeToken } from "./one-time-tokens";
import { verifyPassword } from "./passwords";
import { authSecret } from "./secret";
import { signInThrottles } from "./throttle";

/**
 * Auth.js (next-auth 5) with JWT sessions. Cookies carry no Domain attribute, so each
 * host (acme.example.com, globex.example.com, app.acme.com) holds its own session, and
 * every token records the scope it was issued for — a tenant id, or "platform" on the
 * root domain — so a token copied to another host is refused (lib/auth/session.ts).
 */

class TooManyAttempts extends CredentialsSignin {
  code = "rate_limited";
}
class NotAMember extends CredentialsSignin {
  code = "not_a_member";
}
/** The first factor was right; the user has MFA, so a challenge cookie now waits for a code (lib/auth/mfa-challenge.ts). */
class MfaRequired extends CredentialsSignin {
  code = "mfa_required";
}

const passwordInput = z.object({
  email: z.string().trim().toLowerCase().email(),
  password: z.string().min(1).max(256),
});
const tokenInput = z.object({ token: z.string().min(16).max(200) });
const codeInput = z.object({ code: z.string().trim().min(6).max(32) });

interface SignedInUser {
  id: string;
  email: string;
  name: string | null;
  platformRole: string | null;
  scope: string;
}

async function assertMayEnter(userId: string, scope: string): Promise<void> {
  if (scope === PLATFORM_SCOPE) return;
  const db = await controlDb();
  const membership = await db.membership.findUnique({ where: { tenantId_userId: { tenantId: scope, userId } } });
  if (!membership) throw new NotAMember();
}

async function signedIn(
  user: { id: string; email: string; name: string | null; platformRole: string | null },
  scope: string,
) {
  const db = await controlDb();
  const now = new Date();
  await db.user.update({ where: { id: user.id }, data: { lastSignInAt: now } });
  // The team page shows when a member last signed in to this workspace (lib/team/members.ts).
  if (scope !== PLATFORM_SCOPE) {
    await db.membership.updateMany({ where: { tenantId: scope, userId: user.id }, data: { lastSignInAt: now } });
  }
  return { ...user, scope } satisfies SignedInUser;
}

/** A user with MFA on gets a challenge instead of a session: the "mfa" provider finishes the sign-in. */
async function requireNoSecondFactor(user: { id: string; mfaEnabledAt: Date | null }, scope: string): Promise<void> {
  if (!user.mfaEnabledAt) return;
  await issueMfaChallenge({ userId: user.id, scope });
  throw new MfaRequired();
}

export const authConfig = (): NextAuthConfig => ({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    Credentials({
      id: "password",
      name: "Email and password",
      credentials: { email: {}, password: {} },
      async authorize(raw) {
        const parsed = passwordInput.safeParse(raw);
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const throttles = signInThrottles();
        const ip = await clientIp();
        if (Math.max(throttles.account.blockedFor(email), throttles.ip.blockedFor(ip)) > 0) throw new TooManyAttempts();

        const db = await controlDb();
        const user = await db.user.findUnique({ where: { email } });
        // Unknown e-mails are verified against a dummy hash: argon2 is the slow part, and
        // skipping it would reveal through timing which accounts exist.
        const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
        if (!user || !user.passwordHash || !ok) {
          throttles.account.hit(email);
          throttles.ip.hit(ip);
          return null;
        }
        const scope = await hostScope();
        await assertMayEnter(user.id, scope);
        throttles.account.reset(email);
        await requireNoSecondFactor(user, scope);
        return signedIn(user, scope);
      },
    }),
    Credentials({
      id: "one-time-token",
      name: "Magic link or handoff",
      credentials: { token: {}, purpose: {} },
      async authorize(raw) {
        const parsed = tokenInput.safeParse(raw);
        if (!parsed.success) return null;
        const purpose = (raw as { purpose?: string }).purpose === "handoff" ? "handoff" : "magic-link";
        const claims = await consumeOneTimeToken(parsed.data.token, purpose);
        const scope = await hostScope();
        // A token is only valid on the host it was issued for.
        if (!claims || claims.scope !== scope) return null;
        const db = await controlDb();
        const user = await db.user.findUnique({ where: { id: claims.userId } });
        if (!user) return null;
        await assertMayEnter(user.id, scope);
        if (purpose === "magic-link" && !user.emailVerified) {
          await db.user.update({ where: { id: user.id }, data: { emailVerified: new Date() } });
        }
        // A hand-off comes from a session of this user, which passed its own second factor.
        if (purpose === "magic-link") await requireNoSecondFactor(user, scope);
        return signedIn(user, scope);
      },
    }),
    Credentials({
      id: "mfa",
      name: "Two-step verification code",
      credentials: { code: {} },
      async authorize(raw) {
        const parsed = codeInput.safeParse(raw);
        if (!parsed.success) return null;
        const scope = await hostScope();
        const challenge = await pendingMfaChallenge(scope);
        if (!challenge) return null;
        const throttles = signInThrottles();
        const key = `mfa:${challenge.userId}`;
        if (throttles.account.blockedFor(key) > 0) throw new TooManyAttempts();
        if (!(await verifySecondFactor(challenge.userId, parsed.data.code))) {
          throttles.account.hit(key);
          throttles.ip.hit(await clientIp());
          return null;
        }
        if (!(await consumeMfaChallenge(scope))) return null;
        throttles.account.reset(key);
        const db = await controlDb();
        const user = await db.user.findUnique({ where: { id: challenge.userId } });
        if (!user) return null;
        await assertMayEnter(user.id, scope);
        return signedIn(user, scope);
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user, trigger, session }) {
      // The root domain's active workspace (the JWT claim the resolver honours for /api/
      // on the root domain); set only for a workspace the user is a member of.
      if (trigger === "update" && token.scope === PLATFORM_SCOPE && token.uid) {
        const requested = (session as { activeTenantId?: unknown } | undefined)?.activeTenantId;
        if (typeof requested === "string") {
          const db = await controlDb();
          const member = await db.membership.count({ where: { userId: String(token.uid), tenantId: requested } });
          if (member) token.activeTenantId = requested;
        }
      }
      if (user) {
        const u = user as SignedInUser;
        token.uid = u.id;
        token.platformRole = u.platformRole;
        token.scope = u.scope;
        token.authTime = Math.floor(Date.now() / 1000);
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = String(token.uid ?? "");
      session.platformRole = (token.platformRole as string | null) ?? null;
      session.scope = String(token.scope ?? "");
      session.authTime = Number(token.authTime ?? 0);
      session.activeTenantId = typeof token.activeTenantId === "string" ? token.activeTenantId : null;
      return session;
    },
  },
});

// An Argon2id hash of a random string, so unknown e-mails cost the same as wrong passwords.
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$tyZBphG4731PmOFYlMISxA$Wlhj8s1R5bA3kLfcXQBqVWhhirZWy/X9/qEIQcLYP5Q";

export const { handlers, auth, signIn, signOut, unstable_update: updateSession } = NextAuth(() => authConfig());
