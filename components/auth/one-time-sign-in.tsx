"use client";

import { useActionState } from "react";
import { completeOneTimeSignIn, type FormState } from "@/lib/auth/actions";

/**
 * The magic link opens a page with a button instead of signing in on GET, so mail
 * scanners that prefetch links cannot use up the token.
 */
export function OneTimeSignIn({ token }: { token: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(completeOneTimeSignIn, {});
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="token" value={token} />
      <input type="hidden" name="purpose" value="magic-link" />
      {state.message && (
        <p role="alert" className="text-sm text-red-700">
          {state.message}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="bg-brand w-full rounded-lg px-4 py-2 font-semibold text-white"
      >
        {pending ? "Signing in…" : "Continue to sign in"}
      </button>
    </form>
  );
}
