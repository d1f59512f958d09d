"use client";

import { useActionState } from "react";
import { NavigateOnSuccess } from "@/components/auth/navigate-on-success";
import type { ProjectDto } from "@/lib/accounting/projects";
import { FormMessage, SelectInput, SubmitButton, TextArea, TextInput } from "./fields";
import { minorToInput } from "./format";
import type { FormState } from "./form-state";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function ProjectForm({
  action,
  project,
  customers,
  currency,
}: {
  action: Action;
  project?: ProjectDto;
  customers: { id: string; name: string }[];
  currency: string;
}) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(action, {});
  const e = (name: string) => state.fieldErrors?.[name];
  const v = (name: string, fallback: string | null | undefined) => state.values?.[name] ?? fallback ?? "";
  return (
    <form action={formAction} className="mt-6 space-y-4 rounded-xl bg-white p-6 shadow-sm" aria-label="Project">
      <NavigateOnSuccess to={state.redirectTo} />
      {project && <input type="hidden" name="id" value={project.id} />}
      <FormMessage message={state.message} upgradeUrl={state.upgradeUrl} />
      <TextInput label="Name" name="name" defaultValue={v("name", project?.name)} errors={e("name")} />
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectInput
          label="Customer"
          name="customerId"
          defaultValue={v("customerId", project?.customerId)}
          errors={e("customerId")}
          options={[{ value: "", label: "— none —" }, ...customers.map((c) => ({ value: c.id, label: c.name }))]}
        />
        <SelectInput
          label="Status"
          name="status"
          defaultValue={v("status", project?.status ?? "active")}
          errors={e("status")}
          options={["active", "completed", "archived"].map((s) => ({ value: s, label: s }))}
        />
        <TextInput
          label={`Budget (${currency})`}
          name="budgetMinor"
          type="number"
          step="any"
          defaultValue={v("budgetMinor", minorToInput(project?.budgetMinor, currency))}
          errors={e("budgetMinor")}
        />
        <div />
        <TextInput
          label="Start date"
          name="startDate"
          type="date"
          defaultValue={v("startDate", project?.startDate)}
          errors={e("startDate")}
        />
        <TextInput
          label="End date"
          name="endDate"
          type="date"
          defaultValue={v("endDate", project?.endDate)}
          errors={e("endDate")}
        />
      </div>
      <TextArea
        label="Description"
        name="description"
        defaultValue={v("description", project?.description)}
        errors={e("description")}
      />
      <SubmitButton pending={pending}>{project ? "Save project" : "Create project"}</SubmitButton>
    </form>
  );
}
