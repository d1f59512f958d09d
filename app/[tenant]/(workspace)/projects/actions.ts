"use server";

import { revalidatePath } from "next/cache";
import { errorState, formValues, inTenantAction, minorFromInput, text } from "@/components/accounting/server";
import { minorDigits } from "@/components/accounting/format";
import type { FormState } from "@/components/accounting/form-state";
import { FEATURE_FOR_RESOURCE } from "@/lib/accounting/features";
import { createProject, deleteProject, updateProject } from "@/lib/accounting/projects";
import { PROJECT_STATUSES } from "@/lib/accounting/schemas";

const FEATURE = FEATURE_FOR_RESOURCE.projects;
type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export async function saveProjectAction(_prev: FormState, form: FormData): Promise<FormState> {
  const id = text(form, "id");
  try {
    const project = await inTenantAction(id ? "records:update" : "records:create", FEATURE, ({ tenant }) => {
      const input = {
        name: text(form, "name"),
        description: text(form, "description"),
        customerId: text(form, "customerId") || null,
        status: (text(form, "status") || "active") as ProjectStatus,
        budgetMinor: minorFromInput(text(form, "budgetMinor"), minorDigits(tenant.locale.currency)) ?? null,
        startDate: text(form, "startDate") || null,
        endDate: text(form, "endDate") || null,
      };
      return id ? updateProject(id, input) : createProject(input);
    });
    revalidatePath("/projects");
    return { ok: true, redirectTo: `/projects/${project.id}` };
  } catch (error) {
    return errorState(error, formValues(form));
  }
}

export async function deleteProjectAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    await inTenantAction("records:delete", FEATURE, () => deleteProject(text(form, "id")));
    revalidatePath("/projects");
    return { ok: true, redirectTo: "/projects" };
  } catch (error) {
    return errorState(error);
  }
}
