import { AuthCard } from "@/components/auth/card";
import { OneTimeSignIn } from "@/components/auth/one-time-sign-in";
import { requireTenantForRoute } from "@/lib/tenancy/current";

export const metadata = { title: "Continue to your workspace" };

/** Receives the root domain's one-time handoff token; one click turns it into this host's session. */
export default async function HandoffPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<{ token?: string }>;
}) {
  const tenant = await requireTenantForRoute((await params).tenant);
  const { token = "" } = await searchParams;
  return (
    <AuthCard title={`Continue to ${tenant.name}`}>
      <OneTimeSignIn token={token} purpose="handoff" label={`Continue to ${tenant.name}`} />
    </AuthCard>
  );
}
