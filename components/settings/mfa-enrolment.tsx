"use client";

import { useActionState } from "react";
import { Field } from "@/components/auth/field";
import { QrCode } from "@/components/settings/qr-code";
import { confirmMfaEnrolmentAction, startMfaEnrolmentAction, type MfaFormState } from "@/lib/auth/mfa-actions";

/**
 * Two-step sign-in set-up: a new secret (a QR code of its otpauth:// URI to scan, the key as
 * text and the URI to paste), the first code to confirm it, then the recovery codes, shown once.
 * `required`: the workspace requires it, so the text says why and "Continue" opens the page asked for.
 */
export function MfaEnrolment({ next = "/", required = false }: { next?: string; required?: boolean }) {
  const [started, start, starting] = useActionState<MfaFormState, FormData>(() => startMfaEnrolmentAction(), {});
  const [confirmed, confirm, confirming] = useActionState<MfaFormState, FormData>(confirmMfaEnrolmentAction, {});
  const enrolment = confirmed.enrolment ?? started.enrolment;

  if (confirmed.recoveryCodes) {
    return (
      <div className="space-y-4" data-testid="mfa-recovery-codes">
        <p role="status" className="font-medium text-green-800">
          Two-step sign-in is on.
        </p>
        <p className="text-sm text-slate-600">
          Keep these recovery codes somewhere safe. Each one signs you in once if you lose your device. They are not
          shown again.
        </p>
        <ul className="grid grid-cols-2 gap-2 rounded-lg bg-slate-100 p-4 font-mono text-sm">
          {confirmed.recoveryCodes.map((code) => (
            <li key={code}>{code}</li>
          ))}
        </ul>
        <a
          href={confirmed.redirectTo ?? next}
          className="bg-brand block rounded-lg px-4 py-2 text-center font-semibold text-white"
        >
          Continue
        </a>
      </div>
    );
  }

  if (!enrolment) {
    return (
      <form action={start} className="space-y-4">
        <p className="text-sm text-slate-600">
          {required
            ? "This workspace asks every member to confirm sign-ins with a code from an authenticator app (such as 1Password, Google Authenticator or Authy). Set it up to continue."
            : "Confirm each sign-in with a code from an authenticator app (such as 1Password, Google Authenticator or Authy)."}
        </p>
        {started.error && (
          <p role="alert" className="text-sm text-red-700">
            {started.error}
          </p>
        )}
        <button disabled={starting} className="bg-brand w-full rounded-lg px-4 py-2 font-semibold text-white">
          {starting ? "Preparing…" : "Set up two-step sign-in"}
        </button>
      </form>
    );
  }

  return (
    <form action={confirm} className="space-y-4" aria-label="Confirm two-step sign-in">
      <input type="hidden" name="secret" value={enrolment.secret} />
      <input type="hidden" name="uri" value={enrolment.uri} />
      <input type="hidden" name="next" value={next} />
      <ol className="list-decimal space-y-2 pl-5 text-sm text-slate-700">
        <li>
          Scan this code with your authenticator app:
          <div className="mt-2 inline-block rounded-lg border border-slate-200 bg-white p-2">
            <QrCode text={enrolment.uri} label="QR code of the two-step sign-in setup link" />
          </div>
          <p className="mt-2">Or add an account with this key:</p>
          <code className="mt-1 block rounded bg-slate-100 p-2 font-mono break-all" data-testid="mfa-secret">
            {enrolment.secret.replace(/(.{4})/g, "$1 ").trim()}
          </code>
          <details className="mt-1">
            <summary className="cursor-pointer text-slate-500">Or paste this setup link</summary>
            <code className="block rounded bg-slate-100 p-2 text-xs break-all" data-testid="mfa-uri">
              {enrolment.uri}
            </code>
          </details>
        </li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <Field label="Code from the app" name="code" autoComplete="one-time-code" errors={confirmed.fieldErrors?.code} />
      {confirmed.error && (
        <p role="alert" className="text-sm text-red-700">
          {confirmed.error}
        </p>
      )}
      <button disabled={confirming} className="bg-brand w-full rounded-lg px-4 py-2 font-semibold text-white">
        {confirming ? "Checking…" : "Turn on two-step sign-in"}
      </button>
    </form>
  );
}
