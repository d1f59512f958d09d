import { controlDb } from "@/lib/db/control";
import { tenantOrigin } from "@/lib/tenancy/urls";
import { sendMail, type MailMessage, type SentMail } from "./mailer";

/**
 * A tenant's e-mails in its own colours, logo and sender (settings → branding and e-mail
 * sender). Any service that mails on behalf of a workspace (invitations, notifications,
 * quota warnings) builds its message with `brandedMail` or sends it with `sendTenantMail`;
 * the content is the caller's, the frame and the From/Reply-To headers come from here.
 */

export interface MailBranding {
  tenantName: string;
  primaryColor: string;
  /** Absolute URL of the logo at the tenant's origin, or null. */
  logoUrl: string | null;
  /** The tenant's own address (primary custom domain, else its subdomain). */
  origin: string;
  /** "Name <address>": the tenant's sender name with its sender address, or the platform's address. */
  from: string;
  replyTo: string | null;
}

export interface MailContent {
  to: string;
  subject: string;
  /** Heading inside the mail (default: the subject). */
  heading?: string;
  /** Plain-text paragraphs; escaped for the HTML part. */
  paragraphs: string[];
  /** A button (HTML) / a line with the link (text). */
  action?: { label: string; url: string };
  /** Small print under the content (for example why the recipient gets this mail). */
  footnote?: string;
}

const DEFAULT_FROM = "LogiAccounting Pro <no-reply@logiaccounting.test>";
const HEX = /^#[0-9a-fA-F]{6}$/;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The address part of "Name <addr>" or a bare address. */
export function addressOf(from: string): string {
  const match = /<([^<>]+)>\s*$/.exec(from);
  return (match ? match[1] : from).trim();
}

/** `"Name" <address>` with the name quoted (settings refuse quotes, line breaks, < and > in it). */
export function formatSender(name: string, address: string): string {
  const clean = name.replace(/[\r\n"<>\\]/g, " ").trim();
  return clean ? `"${clean}" <${address}>` : address;
}

/** The branding of a tenant's mail, read from its settings. */
export async function mailBrandingFor(tenantId: string, env: NodeJS.ProcessEnv = process.env): Promise<MailBranding> {
  const db = await controlDb();
  const tenant = await db.tenant.findUniqueOrThrow({
    where: { id: tenantId },
    select: {
      name: true,
      slug: true,
      settings: true,
      domains: { where: { isPrimary: true, isVerified: true, isActive: true }, select: { domain: true } },
    },
  });
  const origin = tenantOrigin({ slug: tenant.slug, primaryDomain: tenant.domains[0]?.domain }, env);
  const settings = tenant.settings;
  const platformAddress = addressOf(env.MAIL_FROM || DEFAULT_FROM);
  return {
    tenantName: tenant.name,
    primaryColor: settings && HEX.test(settings.primaryColor) ? settings.primaryColor : "#2563eb",
    logoUrl: settings?.logoUrl ? `${origin}${settings.logoUrl}` : null,
    origin,
    from: formatSender(settings?.emailFromName || tenant.name, settings?.emailFromAddress || platformAddress),
    replyTo: settings?.emailReplyTo ?? null,
  };
}

/** The message: text and HTML parts in the tenant's frame, with its sender and reply-to. */
export function brandedMail(branding: MailBranding, content: MailContent): MailMessage {
  const heading = content.heading ?? content.subject;
  const text = [
    heading,
    "",
    ...content.paragraphs.flatMap((p) => [p, ""]),
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, ""] : []),
    ...(content.footnote ? [content.footnote, ""] : []),
    `— ${branding.tenantName} (${branding.origin})`,
  ].join("\n");
  const colour = branding.primaryColor;
  const logo = branding.logoUrl
    ? `<img src="${escapeHtml(branding.logoUrl)}" alt="${escapeHtml(branding.tenantName)}" height="32" style="height:32px;border:0;display:block">`
    : `<span style="font-size:18px;font-weight:700;color:#ffffff">${escapeHtml(branding.tenantName)}</span>`;
  const button = content.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(content.action.url)}" style="background:${colour};color:#ffffff;padding:10px 18px;border-radius:8px;text-decoration:none;font-weight:600;display:inline-block">${escapeHtml(content.action.label)}</a></p>`
    : "";
  const html = `<!doctype html><html><body style="margin:0;background:#f1f5f9;font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#0f172a">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f1f5f9;padding:24px 0"><tr><td align="center">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:12px;overflow:hidden">
<tr><td data-brand-header style="background:${colour};padding:16px 24px">${logo}</td></tr>
<tr><td style="padding:24px">
<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(heading)}</h1>
${content.paragraphs.map((p) => `<p style="margin:0 0 12px;line-height:1.5">${escapeHtml(p)}</p>`).join("\n")}
${button}
${content.footnote ? `<p style="margin:16px 0 0;font-size:12px;color:#64748b">${escapeHtml(content.footnote)}</p>` : ""}
</td></tr>
<tr><td style="padding:12px 24px;background:#f8fafc;font-size:12px;color:#64748b">${escapeHtml(branding.tenantName)} · <a href="${escapeHtml(branding.origin)}" style="color:#64748b">${escapeHtml(branding.origin.replace(/^https?:\/\//, ""))}</a></td></tr>
</table></td></tr></table></body></html>`;
  return {
    to: content.to,
    subject: content.subject,
    text,
    html,
    from: branding.from,
    ...(branding.replyTo ? { replyTo: branding.replyTo } : {}),
  };
}

/** Sends a mail on behalf of a tenant, in its branding. */
export async function sendTenantMail(
  tenantId: string,
  content: MailContent,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SentMail> {
  return sendMail(brandedMail(await mailBrandingFor(tenantId, env), content), env);
}
