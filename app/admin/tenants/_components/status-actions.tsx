"use client";

import { useActionState, useState } from "react";
import { activateTenantAction, deleteTenantAction, suspendTenantAction, type AdminFormState } from "../../_lib/actions";
import { FormMessage } from "./select-field";

type Pending = "suspend" | "activate" | "delete" | null;

/** Suspend / activate / delete, each behind an explicit confirmation step. */
export function StatusActions({ id, slug, status }: { id: string; slug: string; status: string }) {
  const [confirming, setConfirming] = useState<Pending>(null);
  const [suspendState, suspend, suspending] = useActionState<AdminFormState, FormData>(suspendTenantAction, {});
  const [activateState, activate, activating] = useActionState<AdminFormState, FormData>(activateTenantAction, {});
  const [deleteState, remove, deleting] = useActionState<AdminFormState, FormData>(deleteTenantAction, {});
  const button = "rounded-lg px-3 py-1.5 text-sm font-medium";

  return (
    <section className="mt-6 rounded-xl bg-white p-6 shadow-sm" aria-label="Tenant status">
      <h2 className="text-lg font-semibold">Status</h2>
      {confirming === null && (
        <div className="mt-3 flex flex-wrap gap-3">
          {status === "active" && (
            <button
              type="button"
              className={`${button} bg-amber-600 text-white`}
              onClick={() => setConfirming("suspend")}
            >
              Suspend
            </button>
          )}
          {(status === "suspended" || status === "cancelled") && (
            <button
              type="button"
              className={`${button} bg-green-700 text-white`}
              onClick={() => setConfirming("activate")}
            >
              Activate
            </button>
          )}
          <button type="button" className={`${button} bg-red-700 text-white`} onClick={() => setConfirming("delete")}>
            Delete
          </button>
        </div>
      )}

      {confirming === "suspend" && (
        <form action={suspend} className="mt-3 space-y-3" aria-label="Confirm suspension">
          <input type="hidden" name="id" value={id} />
          <label className="block text-sm">
            <span className="font-medium text-slate-700">Reason for the suspension</span>
            <textarea
              name="reason"
              rows={3}
              defaultValue={suspendState.values?.reason}
              aria-invalid={suspendState.fieldErrors?.reason ? true : undefined}
              className="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2"
            />
            {suspendState.fieldErrors?.reason && (
              <span className="mt-1 block text-red-700" role="alert">
                {suspendState.fieldErrors.reason.join(" ")}
              </span>
            )}
          </label>
          <p className="text-sm text-slate-600">
            Members of {slug} will see the suspended page until the tenant is activated again.
          </p>
          <FormMessage message={suspendState.fieldErrors ? undefined : suspendState.message} />
          <div className="flex gap-3">
            <button disabled={suspending} className={`${button} bg-amber-600 text-white disabled:opacity-60`}>
              Confirm suspension
            </button>
            <button type="button" className={`${button} border border-slate-300`} onClick={() => setConfirming(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}

      {confirming === "activate" && (
        <form action={activate} className="mt-3 space-y-3" aria-label="Confirm activation">
          <input type="hidden" name="id" value={id} />
          <p className="text-sm text-slate-600">Activate {slug}? Its members get their workspace back at once.</p>
          <FormMessage message={activateState.message} />
          <div className="flex gap-3">
            <button disabled={activating} className={`${button} bg-green-700 text-white disabled:opacity-60`}>
              Confirm activation
            </button>
            <button type="button" className={`${button} border border-slate-300`} onClick={() => setConfirming(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}

      {confirming === "delete" && (
        <form action={remove} className="mt-3 space-y-3" aria-label="Confirm deletion">
          <input type="hidden" name="id" value={id} />
          <p className="text-sm text-slate-600">
            Delete {slug}? The workspace stops resolving at once; its data is kept (soft delete).
          </p>
          <FormMessage message={deleteState.message} />
          <div className="flex gap-3">
            <button disabled={deleting} className={`${button} bg-red-700 text-white disabled:opacity-60`}>
              Confirm deletion
            </button>
            <button type="button" className={`${button} border border-slate-300`} onClick={() => setConfirming(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
