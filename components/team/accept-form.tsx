"use client";

import { useActionState } from "react";
import { Field } from "@/components/auth/field";
import { NavigateOnSuccess } from "@/components/auth/navigate-on-success";
import { acceptInvitationAction, type TeamFormState } from "@/lib/team/actions";

/**
 * The accept page's form. A new address creates its account here (name + password), an
 * existing account confirms with its password, a user already signed in on this host as
 * the invited address just accepts. The e-mail is the invited one and cannot be changed.
 */
export function AcceptInvitationForm({
  token,
  email,
  mode,
}: {
  token: string;
  email: string;
  mode: "sign-up" | "sign-in" | "signed-in";
}) {
  const [state, action, pending] = useActionState<TeamFormState, FormData>(acceptInvitationAction, {});
  return (
    <form action={action} className="space-y-4" aria-label="Accept the invitation">
      <NavigateOnSuccess to={state.redirectTo} />
      <input type="hidden" name="token" value={token} />
      <input type="hidden" name="email" value={email} />
      <div className="text-sm">
        <span className="font-medium text-slate-700">E-mail</span>
        <p className="mt-1 rounded-lg bg-slate-100 px-3 py-2" data-testid="invited-email">
          {email}
        </p>
      </div>
      {mode === "sign-up" && (
        <Field
          label="Your name"
          name="name"
          autoComplete="name"
          defaultValue={state.values?.name}
          errors={state.fieldErrors?.name}
        />
      )}
      {mode !== "signed-in" && (
        <Field
          label={mode === "sign-up" ? "Choose a password" : "Your password"}
          name="password"
          type="password"
          autoComplete={mode === "sign-up" ? "new-password" : "current-password"}
          errors={state.fieldErrors?.password}
        />
      )}
      {state.message && (
        <p role="alert" className="text-sm text-red-700">
          {state.message}
        </p>
      )}
      <button
        type="submit"
        disabled={pending || state.ok}
        className="bg-brand w-full rounded-lg px-4 py-2 font-semibold text-white disabled:opacity-60"
      >
        {pending || state.ok
          ? "Joining…"
          : mode === "sign-up"
            ? "Create account and join"
            : mode === "sign-in"
              ? "Sign in and join"
              : "Accept invitation"}
      </button>
    </form>
  );
}
