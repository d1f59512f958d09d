import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import type { NextRequest } from "next/server";
import { signIn } from "@/lib/auth/auth";

/** Receives the root domain's one-time handoff token and turns it into this host's session. */
export async function GET(request: NextRequest) {
  const token = request.nextUrl.searchParams.get("token") ?? "";
  try {
    await signIn("one-time-token", { token, purpose: "handoff", redirectTo: "/" });
  } catch (error) {
    if (error instanceof AuthError) redirect("/sign-in?error=handoff");
    throw error;
  }
}
