"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Field } from "@/components/auth/field";
import { NavigateOnSuccess } from "@/components/auth/navigate-on-success";
import { acceptInvitationAction, type TeamFormState } from "@/lib/team/actions";

export type InvitationPanelView =
  | { state: "unknown" | "accepted" | "cancelled" | "expired" }
  /** The visitor is signed in here as the member this invitation made: go on in. */
  | { state: "joined"; role: string; next: string }
  | {
      state: "pending";
      token: string;
      email: string;
      role: string;
      inviterName: string;
      tenantName: string;
      /** "sign-up": new address; "sign-in": existing account; "signed-in": already signed in here as it. */
      mode: "sign-up" | "sign-in" | "signed-in";
      /** Signed in here as someone else. */
      otherSession: string | null;
    };

const REASONS = {
  unknown: "This invitation link is not valid here. Check that you opened the whole link from the e-mail.",
  accepted: "This invitation has already been accepted.",
  cancelled: "This invitation was cancelled by the workspace.",
  expired: "This invitation has expired. Ask an admin of the workspace to send it again.",
} as const;

/**
 * Everything the accept page shows, in ONE client component at one place in the tree:
 * accepting signs the user in, and the server action's refresh then renders the page for
 * an accepted invitation — the form's state (and its navigation into the workspace) must
 * survive that re-render, so the form and the other states share this component.
 */
export function InvitationPanel({ view }: { view: InvitationPanelView }) {
  const [state, action, pending] = useActionState<TeamFormState, FormData>(acceptInvitationAction, {});
  const next = view.state === "joined" ? view.next : state.redirectTo;
  return (
    <div>
      <NavigateOnSuccess to={next} />
      {view.state === "joined" ? (
        <p className="text-slate-700" data-testid="invitation-joined">
          You are a member now ({view.role}). <Link href={view.next}>Continue</Link>
        </p>
      ) : view.state !== "pending" ? (
        <p role={state.ok ? "status" : "alert"} className="text-slate-700" data-testid="invitation-unavailable">
          {state.ok ? "Invitation accepted. Opening the workspace…" : REASONS[view.state]}
        </p>
      ) : (
        <>
          <p className="mb-6 text-slate-700" data-testid="invitation-summary">
            {view.inviterName} invited you to join <strong>{view.tenantName}</strong> as <strong>{view.role}</strong>.
            {view.mode === "sign-in" && " Sign in with your account to accept."}
            {view.mode === "sign-up" && " Create your account to accept."}
          </p>
          {view.otherSession && (
            <p className="mb-4 rounded-lg bg-amber-50 p-3 text-sm text-amber-900">
              You are signed in as {view.otherSession}, but this invitation is for {view.email}.
            </p>
          )}
          <form action={action} className="space-y-4" aria-label="Accept the invitation">
            <input type="hidden" name="token" value={view.token} />
            <input type="hidden" name="email" value={view.email} />
            <div className="text-sm">
              <span className="font-medium text-slate-700">E-mail</span>
              <p className="mt-1 rounded-lg bg-slate-100 px-3 py-2" data-testid="invited-email">
                {view.email}
              </p>
            </div>
            {view.mode === "sign-up" && (
              <Field
                label="Your name"
                name="name"
                autoComplete="name"
                defaultValue={state.values?.name}
                errors={state.fieldErrors?.name}
              />
            )}
            {view.mode !== "signed-in" && (
              <Field
                label={view.mode === "sign-up" ? "Choose a password" : "Your password"}
                name="password"
                type="password"
                autoComplete={view.mode === "sign-up" ? "new-password" : "current-password"}
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
                : view.mode === "sign-up"
                  ? "Create account and join"
                  : view.mode === "sign-in"
                    ? "Sign in and join"
                    : "Accept invitation"}
            </button>
          </form>
        </>
      )}
    </div>
  );
}
