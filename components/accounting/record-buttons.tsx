"use client";

import { useActionState, useState } from "react";
import { NavigateOnSuccess } from "@/components/auth/navigate-on-success";
import type { FormState } from "./form-state";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

/** Delete with a second, explicit confirmation click; errors (e.g. still referenced) shown inline. */
export function DeleteButton({ action, id, what }: { action: Action; id: string; what: string }) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(action, {});
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="inline-flex flex-col items-start gap-1">
      <NavigateOnSuccess to={state.redirectTo} />
      {!confirming ? (
        <button
          type="button"
          onClick={() => setConfirming(true)}
          className="rounded-lg border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700"
        >
          Delete
        </button>
      ) : (
        <form action={formAction} className="flex items-center gap-2 text-sm">
          <input type="hidden" name="id" value={id} />
          <span>Delete this {what}?</span>
          <button disabled={pending} className="rounded-lg bg-red-700 px-3 py-1.5 font-medium text-white">
            {pending ? "Deleting…" : "Confirm delete"}
          </button>
          <button type="button" onClick={() => setConfirming(false)} className="underline">
            Cancel
          </button>
        </form>
      )}
      {state.message && (
        <p role="alert" className="text-sm text-red-700">
          {state.message}
        </p>
      )}
    </div>
  );
}

/** One-click record action (Send, Mark paid, Void …) that reloads the page on success. */
export function ActionButton({
  action,
  id,
  label,
  tone = "primary",
  confirm,
}: {
  action: Action;
  id: string;
  label: string;
  tone?: "primary" | "danger" | "plain";
  confirm?: string;
}) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(action, {});
  const classes = {
    primary: "bg-brand text-white",
    danger: "border border-red-300 text-red-700",
    plain: "border border-slate-300",
  }[tone];
  return (
    <form
      action={formAction}
      onSubmit={(event) => {
        if (confirm && !window.confirm(confirm)) event.preventDefault();
      }}
      className="inline-flex flex-col items-start gap-1"
    >
      <NavigateOnSuccess to={state.redirectTo} />
      <input type="hidden" name="id" value={id} />
      <button
        disabled={pending}
        className={`rounded-lg px-3 py-1.5 text-sm font-medium ${classes} disabled:opacity-60`}
      >
        {pending ? "Working…" : label}
      </button>
      {state.message && (
        <p role="alert" className="text-sm text-red-700">
          {state.message}
        </p>
      )}
    </form>
  );
}
