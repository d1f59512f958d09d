"use client";

import { useActionState } from "react";
import { cancelInvitationAction, resendInvitationAction, type TeamFormState } from "@/lib/team/actions";

/** Cancel and resend buttons of one pending (or expired) invitation. */
export function InvitationActions({ id, email }: { id: string; email: string }) {
  const [resendState, resend, resending] = useActionState<TeamFormState, FormData>(resendInvitationAction, {});
  const [cancelState, cancel, cancelling] = useActionState<TeamFormState, FormData>(cancelInvitationAction, {});
  const message = cancelState.message ?? resendState.message;
  const ok = cancelState.message ? cancelState.ok : resendState.ok;
  return (
    <div className="flex flex-wrap items-center justify-end gap-3">
      <form action={resend} aria-label={`Resend the invitation to ${email}`}>
        <input type="hidden" name="id" value={id} />
        <button disabled={resending} className="text-sm underline">
          {resending ? "Sending…" : "Resend"}
        </button>
      </form>
      <form action={cancel} aria-label={`Cancel the invitation to ${email}`}>
        <input type="hidden" name="id" value={id} />
        <button disabled={cancelling} className="text-sm text-red-700 underline">
          Cancel
        </button>
      </form>
      {message && (
        <p
          role={ok ? "status" : "alert"}
          className={`basis-full text-right text-xs ${ok ? "text-green-700" : "text-red-700"}`}
        >
          {message}
        </p>
      )}
    </div>
  );
}
