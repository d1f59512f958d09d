import type { Role } from "@/lib/auth/permissions";
import { controlDb } from "@/lib/db/control";
import { MailDeliveryError, NotFoundError } from "@/lib/http/errors";
import { sendMail, type MailMessage } from "@/lib/mail/mailer";
import { tenantOrigin } from "@/lib/tenancy/urls";

/**
 * The invitation e-mail, in the workspace's branding (name, primary colour, logo) and sent
 * with its sender settings (tenant_settings.email_from_name / email_from_address /
 * email_reply_to). The link points at the workspace's own address — its primary verified
 * custom domain, else its subdomain — built from the tenant record, never from request
 * headers (a forged Host must not get a valid token mailed inside a link to its domain).
 */

const DEFAULT_COLOR = "#2563eb";
const DEFAULT_FROM_ADDRESS = "no-reply@logiaccounting.test";

export interface InvitationMailInput {
  tenantId: string;
  to: string;
  role: Role;
  token: string;
  expiresAt: Date;
  inviterName: string;
}

interface Brand {
  name: string;
  origin: string;
  color: string;
  logoUrl: string | null;
  from: string;
  replyTo?: string;
}

async function brandOf(tenantId: string, env: NodeJS.ProcessEnv): Promise<Brand> {
  const db = await controlDb();
  const tenant = await db.tenant.findUnique({
    where: { id: tenantId },
    select: {
      name: true,
      slug: true,
      settings: true,
      domains: { where: { isPrimary: true, isVerified: true, isActive: true }, select: { domain: true } },
    },
  });
  if (!tenant) throw new NotFoundError("Workspace");
  const origin = tenantOrigin({ slug: tenant.slug, primaryDomain: tenant.domains[0]?.domain }, env);
  const settings = tenant.settings;
  const color = settings && /^#[0-9a-f]{6}$/i.test(settings.primaryColor) ? settings.primaryColor : DEFAULT_COLOR;
  const logo = settings?.logoUrl ?? null;
  // An uploaded logo is served by the workspace itself (a path); a mail client needs an absolute URL.
  const logoUrl = logo ? (/^https?:\/\//i.test(logo) ? logo : logo.startsWith("/") ? `${origin}${logo}` : null) : null;
  const fromName = settings?.emailFromName?.trim() || tenant.name;
  const fromAddress = settings?.emailFromAddress?.trim() || defaultFromAddress(env);
  return {
    name: tenant.name,
    origin,
    color,
    logoUrl,
    from: `"${fromName.replace(/["\\\r\n]/g, "")}" <${fromAddress}>`,
    replyTo: settings?.emailReplyTo?.trim() || undefined,
  };
}

/** The address part of MAIL_FROM ("Name <a@b>" or "a@b"), else the product's no-reply address. */
function defaultFromAddress(env: NodeJS.ProcessEnv): string {
  const configured = env.MAIL_FROM?.trim();
  if (!configured) return DEFAULT_FROM_ADDRESS;
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(configured);
  if (angle) return angle[1];
  return /^[^\s<>]+@[^\s<>]+$/.test(configured) ? configured : DEFAULT_FROM_ADDRESS;
}

export function invitationLink(origin: string, token: string): string {
  return `${origin}/invite/${encodeURIComponent(token)}`;
}

const ROLE_WORDS: Record<Role, string> = {
  owner: "an owner",
  admin: "an admin",
  member: "a member",
  viewer: "a viewer",
};

export function buildInvitationMail(input: InvitationMailInput, brand: Brand): MailMessage {
  const link = invitationLink(brand.origin, input.token);
  const until = input.expiresAt.toUTCString();
  const who = input.inviterName;
  const subject = `${who} invited you to ${brand.name}`;
  const text = [
    `${who} invited you to join ${brand.name} on LogiAccounting Pro as ${ROLE_WORDS[input.role]}.`,
    "",
    `Accept the invitation: ${link}`,
    "",
    `The link works once and until ${until}. If you did not expect this invitation, ignore this e-mail.`,
  ].join("\n");
  const e = escapeHtml;
  const logo = brand.logoUrl
    ? `<img src="${e(brand.logoUrl)}" alt="${e(brand.name)}" height="32" style="height:32px;vertical-align:middle">`
    : `<strong style="font-size:18px">${e(brand.name)}</strong>`;
  const html = `<!doctype html><html><body style="margin:0;font-family:Arial,sans-serif;color:#0f172a">
<div style="background:${brand.color};color:#ffffff;padding:16px 24px">${logo}</div>
<div style="padding:24px;max-width:560px">
<p>${e(who)} invited you to join <strong>${e(brand.name)}</strong> as ${e(ROLE_WORDS[input.role])}.</p>
<p><a href="${e(link)}" style="display:inline-block;background:${brand.color};color:#ffffff;padding:10px 18px;border-radius:8px;text-decoration:none;font-weight:bold">Accept the invitation</a></p>
<p style="font-size:13px;color:#475569">Or open this address: ${e(link)}</p>
<p style="font-size:13px;color:#475569">The link works once and until ${e(until)}. If you did not expect this invitation, ignore this e-mail.</p>
</div></body></html>`;
  return { to: input.to, subject, text, html, from: brand.from, replyTo: brand.replyTo };
}

/** Sends the invitation; a refusing or unreachable mail server is a MailDeliveryError (502). */
export async function sendInvitationMail(input: InvitationMailInput, env: NodeJS.ProcessEnv = process.env) {
  const brand = await brandOf(input.tenantId, env);
  try {
    return await sendMail(buildInvitationMail(input, brand), env);
  } catch (error) {
    console.error(`[team] invitation mail for tenant ${input.tenantId} failed:`, (error as Error).message);
    throw new MailDeliveryError("the invitation e-mail");
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
