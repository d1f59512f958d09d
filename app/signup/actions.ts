"use server";

import { after } from "next/server";
import { z } from "zod";
import { issueOneTimeToken } from "@/lib/auth/one-time-tokens";
import { parsePasswordPolicy, passwordProblems } from "@/lib/auth/password-policy";
import { verifyPassword } from "@/lib/auth/passwords";
import { clientIp } from "@/lib/auth/host-scope";
import { signInThrottles } from "@/lib/auth/throttle";
import { controlDb } from "@/lib/db/control";
import { ValidationError } from "@/lib/http/errors";
import { checkSlug, reserveTenant, resumeProvisioning } from "@/lib/tenancy/provisioning";
import { tenantOrigin } from "@/lib/tenancy/urls";
import { issueSignupTicket, readSignupTicket } from "./ticket";

export interface SignupState {
  /** Set once the tenant is reserved: the page switches to the progress view. */
  tenantId?: string;
  ticket?: string;
  slug?: string;
  message?: string;
  fieldErrors?: Record<string, string[]>;
  values?: Record<string, string>;
}

const signupSchema = z.object({
  company: z.string().trim().min(1, "Enter your company's name").max(255),
  slug: z.string().trim().toLowerCase().min(1, "Choose an address").max(63, "Use at most 63 characters"),
  name: z.string().trim().min(1, "Enter your name").max(255),
  email: z.string().trim().toLowerCase().email("Enter a valid e-mail address").max(255),
  password: z.string().min(1, "Choose a password").max(256),
  plan: z.string().trim().min(1, "Choose a plan").max(50),
});

function add(errors: Record<string, string[]>, field: string, message: string) {
  (errors[field] ??= []).push(message);
}

/** Self-serve plans: public, active and priced (Enterprise is "contact sales"). */
async function selfServePlan(tier: string) {
  const db = await controlDb();
  const plan = await db.subscriptionPlan.findUnique({ where: { tier } });
  return plan && plan.isActive && plan.isPublic && plan.priceMonthly !== null && plan.tier !== "enterprise"
    ? plan
    : null;
}

/**
 * Root-domain signup: validates, reserves the tenant and runs the remaining provisioning
 * steps after the response, so the page can show them completing (it polls
 * /api/v1/signup/status with the returned ticket).
 */
export async function startSignup(_prev: SignupState, form: FormData): Promise<SignupState> {
  const raw = Object.fromEntries(
    ["company", "slug", "name", "email", "plan"].map((key) => [key, String(form.get(key) ?? "")]),
  );
  const values = raw;
  const parsed = signupSchema.safeParse({ ...raw, password: String(form.get("password") ?? "") });
  const errors: Record<string, string[]> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) add(errors, String(issue.path[0] ?? "form"), issue.message);
    return { fieldErrors: errors, values };
  }
  const data = parsed.data;
  const throttles = signInThrottles();
  if (Math.max(throttles.account.hit(`signup:${data.email}`), throttles.ip.hit(`signup:${await clientIp()}`)) > 0) {
    return { message: "Too many attempts. Wait a few minutes and try again.", values };
  }

  if (!(await selfServePlan(data.plan))) add(errors, "plan", "Choose one of the listed plans.");
  const slug = await checkSlug(data.slug);
  if (!slug.available) add(errors, "slug", slug.message);

  const db = await controlDb();
  const existing = await db.user.findUnique({ where: { email: data.email } });
  if (existing) {
    // An existing account is never created again or changed: its owner proves it with its password.
    if (!existing.passwordHash || !(await verifyPassword(existing.passwordHash, data.password))) {
      add(errors, "password", "An account with this e-mail already exists: enter its password.");
    }
  } else {
    for (const problem of passwordProblems(data.password, parsePasswordPolicy({}))) add(errors, "password", problem);
  }
  if (Object.keys(errors).length) return { fieldErrors: errors, values };

  let tenantId: string;
  try {
    tenantId = await reserveTenant({
      name: data.company,
      slug: data.slug,
      tier: data.plan,
      ownerEmail: data.email,
      ownerName: data.name,
      ownerPassword: existing ? undefined : data.password,
    });
  } catch (error) {
    if (error instanceof ValidationError) {
      for (const issue of error.issues) add(errors, issue.field === "tier" ? "plan" : issue.field, issue.message);
      return { fieldErrors: errors, values };
    }
    throw error;
  }
  runInBackground(tenantId);
  return { tenantId, slug: data.slug, ticket: issueSignupTicket({ tenantId, ownerEmail: data.email }) };
}

function runInBackground(tenantId: string): void {
  after(async () => {
    try {
      await resumeProvisioning(tenantId);
    } catch (error) {
      console.error(`[signup] provisioning of ${tenantId} stopped`, error);
    }
  });
}

/** "Try again" after a failed step: resumes provisioning where it stopped. */
export async function retrySignup(ticket: string): Promise<{ ok: boolean }> {
  const claims = readSignupTicket(ticket);
  if (!claims) return { ok: false };
  runInBackground(claims.tenantId);
  return { ok: true };
}

/**
 * Once the tenant is active: a one-time handoff token for its owner, and the tenant's
 * handoff page (another host, so the browser navigates there itself).
 */
export async function finishSignup(ticket: string): Promise<{ redirectTo?: string; message?: string }> {
  const claims = readSignupTicket(ticket);
  if (!claims) return { message: "This signup link has expired. Sign in instead." };
  const db = await controlDb();
  const tenant = await db.tenant.findUnique({
    where: { id: claims.tenantId },
    include: { owner: true, domains: { where: { isPrimary: true, isVerified: true, isActive: true } } },
  });
  if (!tenant || tenant.status !== "active" || !tenant.owner || tenant.owner.email !== claims.ownerEmail) {
    return { message: "Your workspace is not ready yet." };
  }
  const token = await issueOneTimeToken({ purpose: "handoff", scope: tenant.id, userId: tenant.owner.id }, 60);
  const origin = tenantOrigin({ slug: tenant.slug, primaryDomain: tenant.domains[0]?.domain });
  return { redirectTo: `${origin}/auth/handoff?token=${encodeURIComponent(token)}` };
}
