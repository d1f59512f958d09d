"use client";

import { useActionState } from "react";
import { Field } from "@/components/auth/field";
import type { Role } from "@/lib/auth/permissions";
import { inviteAction, type TeamFormState } from "@/lib/team/actions";

/** Invite by e-mail with a role; only the roles the inviter may grant are offered. */
export function InviteForm({ roles, defaultDays }: { roles: Role[]; defaultDays: number }) {
  const [state, action, pending] = useActionState<TeamFormState, FormData>(inviteAction, {});
  return (
    <form
      action={action}
      aria-label="Invite someone"
      className="grid gap-3 rounded-xl border border-slate-200 bg-white p-5 sm:grid-cols-[2fr_1fr_1fr_auto] sm:items-start"
    >
      <Field
        label="E-mail"
        name="email"
        type="email"
        autoComplete="off"
        defaultValue={state.ok ? "" : state.values?.email}
        errors={state.fieldErrors?.email}
        key={state.ok ? `sent-${state.message}` : "form"}
      />
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Role</span>
        <select
          name="role"
          defaultValue={state.values?.role || (roles.includes("member") ? "member" : roles[0])}
          aria-invalid={state.fieldErrors?.role ? true : undefined}
          className="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2"
        >
          {roles.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </select>
        {state.fieldErrors?.role && (
          <span role="alert" className="mt-1 block text-red-700">
            {state.fieldErrors.role.join(" ")}
          </span>
        )}
      </label>
      <Field
        label="Valid for (days)"
        name="expiresInDays"
        type="number"
        defaultValue={state.values?.expiresInDays || String(defaultDays)}
        errors={state.fieldErrors?.expiresInDays}
      />
      <button
        type="submit"
        disabled={pending}
        className="bg-brand mt-6 rounded-lg px-4 py-2 font-semibold text-white disabled:opacity-60"
      >
        {pending ? "Sending…" : "Send invitation"}
      </button>
      {state.message && (
        <p
          role={state.ok ? "status" : "alert"}
          className={`text-sm sm:col-span-4 ${state.ok ? "text-green-700" : "text-red-700"}`}
        >
          {state.message}
        </p>
      )}
    </form>
  );
}
