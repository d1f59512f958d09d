"use client";

import { useActionState } from "react";
import { requestMagicLink, signInWithPassword, type FormState } from "@/lib/auth/actions";
import { Field } from "./field";
import { MfaCodeForm } from "./mfa-code-form";
import { NavigateOnSuccess } from "./navigate-on-success";

/** `mfa`: a magic link was right and the account has two-step sign-in: start at the code step. */
export function SignInForm({ next = "/", mfa = false }: { next?: string; mfa?: boolean }) {
  const [state, passwordAction, signingIn] = useActionState<FormState, FormData>(signInWithPassword, {});
  const [linkState, linkAction, sending] = useActionState<FormState, FormData>(requestMagicLink, {});
  if (mfa || state.mfaRequired) return <MfaCodeForm next={next} />;
  return (
    <div className="space-y-8">
      <form action={passwordAction} className="space-y-4" aria-label="Sign in with password">
        <NavigateOnSuccess to={state.redirectTo} />
        <input type="hidden" name="next" value={next} />
        <Field
          label="E-mail"
          name="email"
          type="email"
          autoComplete="email"
          defaultValue={state.values?.email}
          errors={state.fieldErrors?.email}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          errors={state.fieldErrors?.password}
        />
        {state.message && (
          <p role="alert" className="text-sm text-red-700">
            {state.message}
          </p>
        )}
        <button
          type="submit"
          disabled={signingIn}
          className="bg-brand w-full rounded-lg px-4 py-2 font-semibold text-white disabled:opacity-60"
        >
          {signingIn ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <form
        action={linkAction}
        className="space-y-3 border-t border-slate-200 pt-6"
        aria-label="E-mail me a sign-in link"
      >
        <p className="text-sm text-slate-600">Or get a one-time sign-in link by e-mail.</p>
        <Field
          label="E-mail for the link"
          name="email"
          type="email"
          autoComplete="email"
          errors={linkState.fieldErrors?.email}
        />
        {linkState.message && (
          <p role="status" className="text-sm text-slate-700">
            {linkState.message}
          </p>
        )}
        <button
          type="submit"
          disabled={sending}
          className="w-full rounded-lg border border-slate-300 px-4 py-2 font-medium"
        >
          {sending ? "Sending…" : "E-mail me a link"}
        </button>
      </form>
    </div>
  );
}
