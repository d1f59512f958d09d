import { FeatureLocked } from "@/components/accounting/feature-locked";
import { customerOptions } from "@/components/accounting/lookups";
import { pageScope } from "@/components/accounting/page-scope";
import { ProjectForm } from "@/components/accounting/project-form";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { saveProjectAction } from "../actions";

export const metadata = { title: "New project" };

export default async function NewProjectPage({ params }: { params: Promise<{ tenant: string }> }) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const feature = FEATURE_FOR_RESOURCE.projects;
  const allowed = hasFeature(scope.tenant, feature) && scope.can("records:create");
  return (
    <main className="mx-auto max-w-3xl px-6 py-10">
      <h1 className="text-2xl font-bold">New project</h1>
      {!hasFeature(scope.tenant, feature) ? (
        <FeatureLocked feature={feature} planName={scope.tenant.planName} />
      ) : !allowed ? (
        <p className="mt-4 text-slate-600">Your role cannot create projects.</p>
      ) : (
        <ProjectForm
          action={saveProjectAction}
          customers={await customerOptions(scope)}
          currency={scope.tenant.locale.currency}
        />
      )}
    </main>
  );
}
