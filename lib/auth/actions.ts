"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { z } from "zod";
import { controlDb } from "@/lib/db/control";
import { sendMail } from "@/lib/mail/mailer";
import { platformOrigin, tenantOrigin } from "@/lib/tenancy/urls";
import { signIn, signOut, updateSession } from "./auth";
import { clientIp, hostTenant, PLATFORM_SCOPE } from "./host-scope";
import { issueOneTimeToken } from "./one-time-tokens";
import { parsePasswordPolicy, passwordProblems } from "./password-policy";
import { hashPassword } from "./passwords";
import { sessionUser } from "./session";
import { signInThrottles } from "./throttle";

export interface FormState {
  ok?: boolean;
  /**
   * Where the browser goes next. Server-action redirects are resolved inside the app and
   * skip proxy.ts's host rewrite (a tenant's "/" would render the platform's "/"), so
   * successful sign-ins hand the target to the client, which navigates for real.
   */
  redirectTo?: string;
  message?: string;
  /** The password was right and the account has two-step sign-in: ask for the code next. */
  mfaRequired?: boolean;
  fieldErrors?: Record<string, string[]>;
  values?: Record<string, string>;
}

const emailField = z.string().trim().toLowerCase().email("Enter a valid e-mail address").max(255);

function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) (out[String(issue.path[0] ?? "form")] ??= []).push(issue.message);
  return out;
}

/** Only same-site paths: an open redirect after sign-in would hand sessions to phishers. */
function safeNext(value: FormDataEntryValue | null): string {
  const next = typeof value === "string" ? value : "/";
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

export async function signInWithPassword(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = z
    .object({ email: emailField, password: z.string().min(1, "Enter your password").max(256) })
    .safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success)
    return { fieldErrors: fieldErrors(parsed.error), values: { email: String(form.get("email") ?? "") } };
  try {
    await signIn("password", { ...parsed.data, redirect: false });
  } catch (error) {
    if (error instanceof AuthError) {
      const code = (error as AuthError & { code?: string }).code;
      if (code === "mfa_required") return { mfaRequired: true, values: { email: parsed.data.email } };
      const message =
        code === "rate_limited"
          ? "Too many attempts. Wait a few minutes and try again."
          : code === "not_a_member"
            ? "This account is not a member of this workspace."
            : "Wrong e-mail or password.";
      return { message, values: { email: parsed.data.email } };
    }
    throw error;
  }
  return { ok: true, redirectTo: safeNext(form.get("next")) };
}

/**
 * The origin a link in an e-mail points at, from configuration and the tenant record —
 * never from request headers, which a client can forge (X-Forwarded-Host) to have a valid
 * token mailed inside a link to its own domain.
 */
async function linkOrigin(tenant: Awaited<ReturnType<typeof hostTenant>>): Promise<string> {
  if (!tenant) return platformOrigin();
  const db = await controlDb();
  const primary = await db.tenantDomain.findFirst({
    where: { tenantId: tenant.id, isPrimary: true, isVerified: true, isActive: true },
    select: { domain: true },
  });
  return tenantOrigin({ slug: tenant.slug, primaryDomain: primary?.domain });
}

export async function requestMagicLink(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = emailField.safeParse(form.get("email"));
  if (!parsed.success) return { fieldErrors: { email: parsed.error.issues.map((i) => i.message) } };
  const email = parsed.data;
  const throttles = signInThrottles();
  if (Math.max(throttles.account.hit(`magic:${email}`), throttles.ip.hit(await clientIp())) > 0) {
    return { message: "Too many requests. Wait a few minutes and try again." };
  }
  const sent: FormState = { ok: true, message: "If that address has an account here, a sign-in link is on its way." };
  const db = await controlDb();
  const user = await db.user.findUnique({ where: { email } });
  if (!user) return sent;
  const tenant = await hostTenant();
  if (tenant) {
    const member = await db.membership.findUnique({
      where: { tenantId_userId: { tenantId: tenant.id, userId: user.id } },
    });
    if (!member) return sent;
  }
  const token = await issueOneTimeToken(
    { purpose: "magic-link", scope: tenant?.id ?? PLATFORM_SCOPE, userId: user.id },
    15 * 60,
  );
  const link = `${await linkOrigin(tenant)}/auth/magic?token=${encodeURIComponent(token)}`;
  const place = tenant?.name ?? "LogiAccounting Pro";
  await sendMail({
    to: email,
    subject: `Your sign-in link for ${place}`,
    text: `Open this link within 15 minutes to sign in to ${place}:\n\n${link}\n\nIf you did not ask for it, ignore this e-mail.`,
    html: `<p>Open this link within 15 minutes to sign in to <strong>${escapeHtml(place)}</strong>:</p><p><a href="${link}">Sign in</a></p><p>If you did not ask for it, ignore this e-mail.</p>`,
  });
  return sent;
}

export async function signOutAction(): Promise<FormState> {
  await signOut({ redirect: false });
  return { ok: true, redirectTo: "/sign-in" };
}

export async function signUp(_prev: FormState, form: FormData): Promise<FormState> {
  const values = { name: String(form.get("name") ?? ""), email: String(form.get("email") ?? "") };
  const parsed = z
    .object({
      name: z.string().trim().min(1, "Enter your name").max(255),
      email: emailField,
      password: z.string().max(256),
    })
    .safeParse({ ...values, password: form.get("password") ?? "" });
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), values };
  const problems = passwordProblems(parsed.data.password, parsePasswordPolicy({}));
  if (problems.length) return { fieldErrors: { password: problems }, values };
  const db = await controlDb();
  if (await db.user.findUnique({ where: { email: parsed.data.email } })) {
    return { fieldErrors: { email: ["An account with this e-mail already exists. Sign in instead."] }, values };
  }
  await db.user.create({
    data: { email: parsed.data.email, name: parsed.data.name, passwordHash: await hashPassword(parsed.data.password) },
  });
  await signIn("password", { email: parsed.data.email, password: parsed.data.password, redirect: false });
  return { ok: true, redirectTo: "/workspaces" };
}

/**
 * Root domain (or another workspace) → a workspace on another host: cookies cannot cross
 * domains, so the signed-in user gets a one-time token (60 s, single use, bound to that
 * tenant) that the workspace's host exchanges for its own session.
 */
export async function openWorkspace(form: FormData): Promise<void> {
  const user = await sessionUser(await hostTenant());
  if (!user) redirect("/sign-in");
  const tenantId = String(form.get("tenantId") ?? "");
  const db = await controlDb();
  const membership = await db.membership.findFirst({
    where: { userId: user.id, tenantId, tenant: { status: "active" } },
    include: {
      tenant: { select: { slug: true, domains: { where: { isPrimary: true, isVerified: true, isActive: true } } } },
    },
  });
  if (!membership) redirect("/workspaces");
  // On the root domain the opened workspace also becomes the session's active tenant.
  if (!(await hostTenant())) await updateSession({ activeTenantId: tenantId });
  const token = await issueOneTimeToken({ purpose: "handoff", scope: tenantId, userId: user.id }, 60);
  const origin = tenantOrigin({ slug: membership.tenant.slug, primaryDomain: membership.tenant.domains[0]?.domain });
  redirect(`${origin}/auth/handoff?token=${encodeURIComponent(token)}`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
