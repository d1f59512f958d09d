import Link from "next/link";
import { PlanCard } from "@/components/plan-card";
import { listPublicPlans } from "@/lib/platform/plans";

export default async function LandingPage() {
  const plans = await listPublicPlans();
  return (
    <main className="mx-auto max-w-7xl px-6 py-16">
      <section className="mx-auto max-w-3xl text-center">
        <p className="text-sm font-semibold tracking-widest text-blue-700 uppercase">LogiAccounting Pro</p>
        <h1 className="mt-3 text-4xl font-bold tracking-tight sm:text-5xl">
          Accounting for every firm, each in its own isolated workspace
        </h1>
        <p className="mt-4 text-lg text-slate-600">
          Invoices, customers, products, projects and reports — on your own subdomain or custom domain, with your data
          kept apart from everyone else&apos;s.
        </p>
      </section>
      <section aria-labelledby="plans-heading" className="mt-16">
        <h2 id="plans-heading" className="text-center text-2xl font-semibold">
          Plans
        </h2>
        <p className="mt-2 text-center text-sm">
          <Link href="/pricing" className="text-blue-700 underline">
            Compare the plans in detail
          </Link>
        </p>
        <div className="mt-8 grid gap-6 sm:grid-cols-2 lg:grid-cols-5">
          {plans.map((plan) => (
            <PlanCard key={plan.id} plan={plan} />
          ))}
        </div>
      </section>
    </main>
  );
}
