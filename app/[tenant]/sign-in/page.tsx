import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/card";
import { SignInForm } from "@/components/auth/sign-in-form";
import { sessionUser } from "@/lib/auth/session";
import { requireTenantForRoute } from "@/lib/tenancy/current";

export const metadata = { title: "Sign in" };

export default async function TenantSignIn({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<{ next?: string; error?: string; mfa?: string }>;
}) {
  const tenant = await requireTenantForRoute((await params).tenant);
  if (await sessionUser(tenant)) redirect("/");
  const { next = "/", error, mfa } = await searchParams;
  return (
    <AuthCard title={`Sign in to ${tenant.name}`}>
      {error === "handoff" && (
        <p role="alert" className="mb-4 text-sm text-red-700">
          That sign-in link is invalid, expired or already used. Sign in here instead.
        </p>
      )}
      <SignInForm next={next} mfa={mfa === "1"} />
    </AuthCard>
  );
}
