"use client";

import Link from "next/link";
import { useActionState } from "react";
import type { FormState } from "@/lib/auth/actions";
import { verifyMfaSignIn } from "@/lib/auth/mfa-actions";
import { Field } from "./field";
import { NavigateOnSuccess } from "./navigate-on-success";

/** Second step of sign-in for accounts with two-step sign-in: the authenticator code or a recovery code. */
export function MfaCodeForm({ next = "/" }: { next?: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(verifyMfaSignIn, { mfaRequired: true });
  return (
    <form action={action} className="space-y-4" aria-label="Two-step verification">
      <NavigateOnSuccess to={state.redirectTo} />
      <input type="hidden" name="next" value={next} />
      <p className="text-sm text-slate-600">
        Enter the 6-digit code from your authenticator app, or one of your recovery codes.
      </p>
      <Field label="Verification code" name="code" autoComplete="one-time-code" errors={state.fieldErrors?.code} />
      {state.message && (
        <p role="alert" className="text-sm text-red-700">
          {state.message}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="bg-brand w-full rounded-lg px-4 py-2 font-semibold text-white disabled:opacity-60"
      >
        {pending ? "Verifying…" : "Verify"}
      </button>
      <p className="text-center text-sm">
        <Link href="/sign-in" className="text-slate-600 underline">
          Start again
        </Link>
      </p>
    </form>
  );
}
