import Link from "next/link";
import { LockedPage } from "@/components/accounting/feature-locked";
import { formatDate, formatMoney } from "@/components/accounting/format";
import { Details, PageHeader, StatusBadge } from "@/components/accounting/list-controls";
import { customerNames } from "@/components/accounting/lookups";
import { orNotFound, pageScope } from "@/components/accounting/page-scope";
import { DeleteButton } from "@/components/accounting/record-buttons";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { getProject } from "@/lib/accounting/projects";
import { deleteProjectAction } from "../actions";

export const metadata = { title: "Project" };

export default async function ProjectPage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const { tenant } = scope;
  const feature = FEATURE_FOR_RESOURCE.projects;
  if (!hasFeature(tenant, feature))
    return <LockedPage title="Project" feature={feature} planName={tenant.planName} width="max-w-4xl" />;
  const { id } = await params;
  const project = await orNotFound(scope.run(() => getProject(id)));
  const names = await customerNames(scope, [project.customerId]);
  const lang = tenant.locale;
  return (
    <main className="mx-auto max-w-4xl px-6 py-10">
      <p className="text-sm">
        <Link href="/projects" className="text-slate-500 hover:underline">
          ← Projects
        </Link>
      </p>
      <PageHeader title={project.name}>
        <StatusBadge status={project.status} />
        {scope.can("records:update") && (
          <Link
            href={`/projects/${project.id}/edit`}
            className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm"
          >
            Edit
          </Link>
        )}
        {scope.can("records:delete") && <DeleteButton action={deleteProjectAction} id={project.id} what="project" />}
      </PageHeader>
      <Details
        items={[
          {
            label: "Customer",
            value: project.customerId ? (
              <Link href={`/customers/${project.customerId}`} className="text-blue-700 hover:underline">
                {names.get(project.customerId) ?? "—"}
              </Link>
            ) : null,
          },
          {
            label: "Budget",
            value: project.budgetMinor === null ? null : formatMoney(project.budgetMinor, tenant.locale.currency, lang),
          },
          { label: "Start date", value: formatDate(project.startDate, lang) },
          { label: "End date", value: formatDate(project.endDate, lang) },
          { label: "Description", value: project.description },
        ]}
      />
    </main>
  );
}
