"use client";

import { useActionState, useEffect, useState } from "react";
import { finishSignup, retrySignup, startSignup, type SignupState } from "@/app/signup/actions";
import { Field } from "@/components/auth/field";
import { STEP_LABELS, PROVISIONING_STEPS, type StepProgress } from "@/lib/tenancy/provisioning-steps";

export interface SignupPlan {
  tier: string;
  name: string;
  priceMonthly: number;
  currency: string;
  description: string;
}

export function SignupForm({
  plans,
  rootDomain,
  defaultPlan,
}: {
  plans: SignupPlan[];
  rootDomain: string;
  /** The plan chosen on the pricing page (its tier). */
  defaultPlan?: string;
}) {
  const [state, action, pending] = useActionState<SignupState, FormData>(startSignup, {});
  if (state.tenantId && state.ticket) {
    return <SignupProgress tenantId={state.tenantId} ticket={state.ticket} />;
  }
  const values = state.values ?? {};
  return (
    <form action={action} className="space-y-4" aria-label="Start your workspace">
      <Field
        label="Company name"
        name="company"
        autoComplete="organization"
        defaultValue={values.company}
        errors={state.fieldErrors?.company}
      />
      <SlugField rootDomain={rootDomain} defaultValue={values.slug} errors={state.fieldErrors?.slug} />
      <Field
        label="Your name"
        name="name"
        autoComplete="name"
        defaultValue={values.name}
        errors={state.fieldErrors?.name}
      />
      <Field
        label="E-mail"
        name="email"
        type="email"
        autoComplete="email"
        defaultValue={values.email}
        errors={state.fieldErrors?.email}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        errors={state.fieldErrors?.password}
      />
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Plan</span>
        <select
          name="plan"
          defaultValue={values.plan || defaultPlan || "standard"}
          aria-invalid={state.fieldErrors?.plan?.length ? true : undefined}
          className="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 shadow-sm"
        >
          {plans.map((plan) => (
            <option key={plan.tier} value={plan.tier}>
              {plan.name} — {plan.priceMonthly === 0 ? "free" : `${plan.currency} ${plan.priceMonthly}/month`}
            </option>
          ))}
        </select>
        {state.fieldErrors?.plan?.length ? (
          <span className="mt-1 block text-red-700" role="alert">
            {state.fieldErrors.plan.join(" ")}
          </span>
        ) : null}
      </label>
      {state.message && (
        <p role="alert" className="text-sm text-red-700">
          {state.message}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-lg bg-blue-700 px-4 py-2 font-semibold text-white disabled:opacity-60"
      >
        {pending ? "Creating…" : "Create workspace"}
      </button>
    </form>
  );
}

type SlugCheck = { slug: string; available: boolean; message?: string };

/** The address field, checked as you type (format, reserved names, availability). */
function SlugField({
  rootDomain,
  defaultValue,
  errors,
}: {
  rootDomain: string;
  defaultValue?: string;
  errors?: string[];
}) {
  const [slug, setSlug] = useState(defaultValue ?? "");
  const [check, setCheck] = useState<SlugCheck | null>(null);
  useEffect(() => {
    const value = slug.trim().toLowerCase();
    if (!value) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetch(`/api/v1/signup/slug?slug=${encodeURIComponent(value)}`, { signal: controller.signal })
        .then((response) => response.json() as Promise<SlugCheck>)
        .then(setCheck)
        .catch(() => undefined);
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [slug]);
  const current = check && check.slug === slug.trim().toLowerCase() ? check : null;
  const shownErrors = current ? (current.available ? [] : [current.message ?? "Not available"]) : (errors ?? []);
  return (
    <label className="block text-sm">
      <span className="font-medium text-slate-700">Workspace address</span>
      <span className="mt-1 flex items-center gap-1">
        <input
          name="slug"
          value={slug}
          onChange={(event) => setSlug(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={shownErrors.length ? true : undefined}
          aria-describedby="slug-status"
          className="block w-full rounded-lg border border-slate-300 px-3 py-2 shadow-sm focus:border-blue-600 focus:outline-none aria-invalid:border-red-600"
        />
        <span className="whitespace-nowrap text-slate-500">.{rootDomain}</span>
      </span>
      <span id="slug-status" data-testid="slug-status" aria-live="polite" className="mt-1 block">
        {shownErrors.length ? (
          <span className="text-red-700" role="alert">
            {shownErrors.join(" ")}
          </span>
        ) : current?.available ? (
          <span className="text-green-700">
            {current.slug}.{rootDomain} is available.
          </span>
        ) : null}
      </span>
    </label>
  );
}

interface StatusBody {
  status: "pending" | "provisioning" | "active" | "failed" | "other";
  steps: StepProgress[];
  failedStep: string | null;
}

const INITIAL_STEPS: StepProgress[] = PROVISIONING_STEPS.map((step) => ({
  step,
  label: STEP_LABELS[step],
  done: false,
  at: null,
}));

/** Provisioning progress: polls the status API until the workspace is active (or a step failed). */
function SignupProgress({ tenantId, ticket }: { tenantId: string; ticket: string }) {
  const [status, setStatus] = useState<StatusBody>({ status: "pending", steps: INITIAL_STEPS, failedStep: null });
  const [attempt, setAttempt] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const [opening, setOpening] = useState(false);
  const finished = status.status === "active" || status.status === "failed";

  useEffect(() => {
    if (finished) return;
    let stopped = false;
    const poll = async () => {
      try {
        const response = await fetch(
          `/api/v1/signup/status?tenant=${encodeURIComponent(tenantId)}&ticket=${encodeURIComponent(ticket)}`,
          { cache: "no-store" },
        );
        if (response.ok && !stopped) setStatus((await response.json()) as StatusBody);
      } catch {
        // a dropped poll is retried on the next tick
      }
    };
    void poll();
    const timer = setInterval(poll, 400);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [tenantId, ticket, finished, attempt]);

  async function open() {
    setOpening(true);
    const result = await finishSignup(ticket);
    if (result.redirectTo) window.location.assign(result.redirectTo);
    else {
      setMessage(result.message ?? "Something went wrong.");
      setOpening(false);
    }
  }

  async function retry() {
    await retrySignup(ticket);
    setStatus((s) => ({ ...s, status: "provisioning", failedStep: null }));
    setAttempt((n) => n + 1);
  }

  const doneCount = status.steps.filter((s) => s.done).length;
  return (
    <section aria-label="Setting up your workspace" data-testid="provisioning-progress" data-status={status.status}>
      <h2 className="mb-2 text-lg font-semibold">
        {status.status === "active"
          ? "Your workspace is ready"
          : status.status === "failed"
            ? "Setting up your workspace stopped"
            : "Setting up your workspace…"}
      </h2>
      <progress
        className="mb-4 w-full"
        max={status.steps.length}
        value={doneCount}
        aria-label="Provisioning progress"
      />
      <ol className="space-y-1 text-sm">
        {status.steps.map((step) => {
          const failed = status.failedStep === step.step;
          return (
            <li
              key={step.step}
              data-testid="provisioning-step"
              data-step={step.step}
              data-done={step.done ? "true" : "false"}
              className={step.done ? "text-green-700" : failed ? "text-red-700" : "text-slate-500"}
            >
              <span aria-hidden="true">{step.done ? "✓" : failed ? "✗" : "○"}</span> {step.label}
              {failed ? " — failed" : ""}
            </li>
          );
        })}
      </ol>
      {status.status === "failed" && (
        <button
          type="button"
          onClick={retry}
          className="mt-4 w-full rounded-lg border border-slate-300 px-4 py-2 font-semibold"
        >
          Try again
        </button>
      )}
      {status.status === "active" && (
        <button
          type="button"
          onClick={open}
          disabled={opening}
          className="mt-4 w-full rounded-lg bg-blue-700 px-4 py-2 font-semibold text-white disabled:opacity-60"
        >
          {opening ? "Opening…" : "Open your workspace"}
        </button>
      )}
      {message && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {message}
        </p>
      )}
    </section>
  );
}
