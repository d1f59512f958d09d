import { AuthError } from "next-auth";
import type { NextRequest } from "next/server";
import { signIn } from "@/lib/auth/auth";
import { isSameOrigin } from "@/lib/http/csrf";

/**
 * POST /api/auth/one-time — exchanges a magic-link or handoff token (form fields `token`,
 * `purpose`) for this host's session, then 303s to the workspace. A plain form post and a
 * real redirect: the browser's next request passes through proxy.ts like any other.
 */
export async function POST(request: NextRequest): Promise<Response> {
  // The form is ours: a post from another site could sign a victim in to someone else's account.
  if (!isSameOrigin(request)) return new Response("Cross-site request refused", { status: 403 });
  const form = await request.formData();
  const token = String(form.get("token") ?? "");
  const purpose = form.get("purpose") === "handoff" ? "handoff" : "magic-link";
  let target = "/";
  try {
    await signIn("one-time-token", { token, purpose, redirect: false });
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    // A right magic link for an account with two-step sign-in: the code comes next.
    const code = (error as AuthError & { code?: string }).code;
    target = code === "mfa_required" ? "/sign-in?mfa=1" : "/sign-in?error=handoff";
  }
  return new Response(null, { status: 303, headers: { location: target } });
}
