"use client";

import { useActionState } from "react";
import Link from "next/link";
import { Field } from "@/components/auth/field";
import { createWebhookAction, webhookCommandAction, type WebhookFormState } from "@/lib/integrations/actions";

function SecretOnce({ created }: { created: NonNullable<WebhookFormState["created"]> }) {
  return (
    <div role="status" className="rounded-lg bg-amber-50 p-3 text-sm" data-testid="webhook-secret">
      <p className="font-medium">
        Copy the signing secret for {created.url} now: it will not be shown again. Check each delivery&apos;s
        LogiAccounting-Signature header with it.
      </p>
      <code className="mt-2 block break-all">{created.secret}</code>
    </div>
  );
}

export function CreateWebhookForm({ events }: { events: readonly string[] }) {
  const [state, action, pending] = useActionState<WebhookFormState, FormData>(createWebhookAction, {});
  return (
    <form
      action={action}
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-5"
      data-testid="new-webhook"
    >
      <h2 className="font-semibold">Add an endpoint</h2>
      <Field label="Endpoint URL" name="url" type="url" errors={state.fieldErrors?.url} />
      <Field label="Description (optional)" name="description" errors={state.fieldErrors?.description} />
      <fieldset className="text-sm" aria-describedby={state.fieldErrors?.events ? "events-error" : undefined}>
        <legend className="font-medium text-slate-700">Events to send</legend>
        <div className="mt-2 grid grid-cols-2 gap-1 sm:grid-cols-3">
          {events.map((event) => (
            <label key={event} className="flex items-center gap-2">
              <input type="checkbox" name="events" value={event} />
              <code>{event}</code>
            </label>
          ))}
        </div>
        {state.fieldErrors?.events && (
          <p id="events-error" className="mt-1 text-red-700">
            {state.fieldErrors.events.join(" ")}
          </p>
        )}
      </fieldset>
      {state.error && (
        <p role="alert" className="text-sm text-red-700">
          {state.error}{" "}
          {state.upgradeUrl && (
            <Link href={state.upgradeUrl} className="font-medium underline">
              Upgrade the plan
            </Link>
          )}
        </p>
      )}
      {state.created && <SecretOnce created={state.created} />}
      <button disabled={pending} className="bg-brand rounded-lg px-4 py-2 font-medium text-white">
        {pending ? "Adding…" : "Add endpoint"}
      </button>
    </form>
  );
}

export function WebhookCommands({ id, enabled }: { id: string; enabled: boolean }) {
  const [state, action, pending] = useActionState<WebhookFormState, FormData>(webhookCommandAction, {});
  const button = (command: string, label: string, className = "underline") => (
    <button name="command" value={command} disabled={pending} className={className}>
      {label}
    </button>
  );
  return (
    <form action={action} className="space-y-2 text-sm">
      <input type="hidden" name="id" value={id} />
      <div className="flex flex-wrap gap-4">
        {button("test", "Send a test event")}
        {button(enabled ? "disable" : "enable", enabled ? "Pause" : "Resume")}
        {button("roll", "New signing secret")}
        {button("delete", "Delete", "text-red-700 underline")}
      </div>
      {state.error && (
        <p role="alert" className="text-red-700">
          {state.error}
        </p>
      )}
      {state.created && <SecretOnce created={state.created} />}
    </form>
  );
}
