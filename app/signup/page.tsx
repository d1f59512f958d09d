import Link from "next/link";
import { connection } from "next/server";
import { SignupForm } from "@/components/signup/signup-form";
import { controlDb } from "@/lib/db/control";
import { rootHostname } from "@/lib/tenancy/hosts";

export const metadata = { title: "Start your workspace" };

/** Public signup on the root domain: a company, its address, its owner and a plan. */
export default async function SignupPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  // /signup?plan=<id> (the pricing page's buttons) preselects that plan.
  const requested = (await searchParams).plan;
  const db = await controlDb();
  const plans = await db.subscriptionPlan.findMany({
    where: { isActive: true, isPublic: true, priceMonthly: { not: null }, tier: { not: "enterprise" } },
    orderBy: { displayOrder: "asc" },
  });
  const rootDomain = rootHostname();
  return (
    <main className="mx-auto max-w-xl px-6 py-12">
      <div className="rounded-2xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="mb-2 text-2xl font-bold">Start your workspace</h1>
        <p className="mb-6 text-sm text-slate-600">
          Your company gets its own address, its own data and an owner account. Enterprise?{" "}
          <a href="mailto:sales@logiaccounting.test" className="text-blue-700 underline">
            Contact sales
          </a>
          .
        </p>
        <SignupForm
          rootDomain={rootDomain}
          defaultPlan={plans.find((p) => p.id === requested)?.tier}
          plans={plans.map((p) => ({
            tier: p.tier,
            name: p.name,
            priceMonthly: Number(p.priceMonthly ?? 0),
            currency: p.currency,
            description: p.description ?? "",
          }))}
        />
      </div>
      <p className="mt-4 text-center text-sm text-slate-600">
        Already have a workspace?{" "}
        <Link href="/sign-in" className="text-blue-700 underline">
          Sign in
        </Link>
      </p>
    </main>
  );
}
