"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Field } from "@/components/auth/field";
import { disableMfaAction, regenerateRecoveryCodesAction, type MfaFormState } from "@/lib/auth/mfa-actions";

/** For a user with two-step sign-in on: new recovery codes, or turning it off (each needs a current code). */
export function MfaManage() {
  const [codes, regenerate, regenerating] = useActionState<MfaFormState, FormData>(regenerateRecoveryCodesAction, {});
  const [off, disable, disabling] = useActionState<MfaFormState, FormData>(disableMfaAction, {});
  if (off.disabled) {
    return (
      <p role="status" className="text-slate-700">
        Two-step sign-in is off.{" "}
        <Link href="/account/security" className="underline">
          Set it up again
        </Link>
      </p>
    );
  }
  return (
    <div className="grid gap-6 md:grid-cols-2">
      <form action={regenerate} className="space-y-3 rounded-xl border border-slate-200 bg-white p-5">
        <h2 className="font-semibold">New recovery codes</h2>
        <p className="text-sm text-slate-600">The codes you have now stop working.</p>
        <Field label="Current code" name="code" autoComplete="one-time-code" errors={codes.fieldErrors?.code} />
        {codes.error && (
          <p role="alert" className="text-sm text-red-700">
            {codes.error}
          </p>
        )}
        {codes.recoveryCodes && (
          <ul
            className="grid grid-cols-2 gap-2 rounded-lg bg-slate-100 p-3 font-mono text-sm"
            data-testid="mfa-recovery-codes"
          >
            {codes.recoveryCodes.map((code) => (
              <li key={code}>{code}</li>
            ))}
          </ul>
        )}
        <button disabled={regenerating} className="rounded-lg border border-slate-300 px-4 py-2 font-medium">
          {regenerating ? "Creating…" : "Create new recovery codes"}
        </button>
      </form>
      <form action={disable} className="space-y-3 rounded-xl border border-slate-200 bg-white p-5">
        <h2 className="font-semibold">Turn off two-step sign-in</h2>
        <Field label="Code to confirm" name="code" autoComplete="one-time-code" errors={off.fieldErrors?.code} />
        {off.error && (
          <p role="alert" className="text-sm text-red-700">
            {off.error}
          </p>
        )}
        <button disabled={disabling} className="rounded-lg border border-red-300 px-4 py-2 font-medium text-red-700">
          {disabling ? "Turning off…" : "Turn off"}
        </button>
      </form>
    </div>
  );
}
