import { AuthError } from "next-auth";
import { signIn } from "@/lib/auth/auth";
import { clientIp } from "@/lib/auth/host-scope";
import { can } from "@/lib/auth/permissions";
import { sessionUser } from "@/lib/auth/session";
import type { TenantSummary } from "@/lib/tenancy/tenants";
import { acceptInvitation, type AcceptedInvitation } from "./invitations";
import { acceptInput, parseInput } from "./schemas";

export interface AcceptResult extends Omit<AcceptedInvitation, "signInWithPassword"> {
  /** Whether this host now has a session of the new member. */
  signedIn: boolean;
  /** Where the new member goes next: the team page when their role may read it, else the dashboard. */
  redirectTo: string;
}

/**
 * Accepts an invitation for the request's host (route handler or server action) and signs
 * the new member in on this host with the password they just gave. A sign-in that fails
 * afterwards (e.g. throttled) leaves the membership in place: they can sign in normally.
 */
export async function acceptAndSignIn(tenant: TenantSummary, token: string, raw: unknown): Promise<AcceptResult> {
  const input = parseInput(acceptInput, raw ?? {});
  const session = await sessionUser(tenant);
  const accepted = await acceptInvitation(tenant, token, input, {
    sessionUser: session ? { id: session.id, email: session.email } : null,
    ip: await clientIp(),
  });
  let signedIn = !accepted.signInWithPassword;
  if (accepted.signInWithPassword && input.password !== undefined) {
    try {
      await signIn("password", { email: accepted.email, password: input.password, redirect: false });
      signedIn = true;
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
    }
  }
  const { signInWithPassword: _unused, ...result } = accepted;
  return {
    ...result,
    signedIn,
    redirectTo: !signedIn ? "/sign-in?next=%2F" : can(accepted.role, "team:read") ? "/team" : "/",
  };
}
