import { LockedPage } from "@/components/accounting/feature-locked";
import { customerOptions } from "@/components/accounting/lookups";
import { orNotFound, pageScope } from "@/components/accounting/page-scope";
import { ProjectForm } from "@/components/accounting/project-form";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { getProject } from "@/lib/accounting/projects";
import { saveProjectAction } from "../../actions";

export const metadata = { title: "Edit project" };

export default async function EditProjectPage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const feature = FEATURE_FOR_RESOURCE.projects;
  if (!hasFeature(scope.tenant, feature))
    return <LockedPage title="Edit project" feature={feature} planName={scope.tenant.planName} width="max-w-3xl" />;
  const { id } = await params;
  const project = await orNotFound(scope.run(() => getProject(id)));
  return (
    <main className="mx-auto max-w-3xl px-6 py-10">
      <h1 className="text-2xl font-bold">Edit {project.name}</h1>
      {scope.can("records:update") ? (
        <ProjectForm
          action={saveProjectAction}
          project={project}
          customers={await customerOptions(scope)}
          currency={scope.tenant.locale.currency}
        />
      ) : (
        <p className="mt-4 text-slate-600">Your role cannot edit projects.</p>
      )}
    </main>
  );
}
