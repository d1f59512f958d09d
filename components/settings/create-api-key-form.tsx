"use client";

import { useActionState } from "react";
import { createApiKeyAction, type ApiKeyFormState } from "@/lib/auth/api-key-actions";
import { Field } from "@/components/auth/field";

export function CreateApiKeyForm() {
  const [state, action, pending] = useActionState<ApiKeyFormState, FormData>(createApiKeyAction, {});
  return (
    <form action={action} className="space-y-3 rounded-xl border border-slate-200 bg-white p-5">
      <Field label="Key name" name="name" errors={state.fieldErrors?.name} />
      {state.error && (
        <p role="alert" className="text-sm text-red-700">
          {state.error}
        </p>
      )}
      {state.created && (
        <div role="status" className="rounded-lg bg-amber-50 p-3 text-sm" data-testid="new-api-key">
          <p className="font-medium">Copy the key “{state.created.name}” now: it will not be shown again.</p>
          <code className="mt-2 block break-all">{state.created.secret}</code>
        </div>
      )}
      <button disabled={pending} className="bg-brand rounded-lg px-4 py-2 font-medium text-white">
        {pending ? "Creating…" : "Create API key"}
      </button>
    </form>
  );
}
