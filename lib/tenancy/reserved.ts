/**
 * The one list of names that belong to the platform and can never be a tenant slug, and
 * the slug format rules. Host routing (hosts.ts) and signup both read this module, so a
 * name the router treats as "the platform's" can never be registered by a tenant.
 */

/** The DB CHECK on tenants.slug (migrations/control/0001_init.sql): one DNS label, lower case. */
export const SLUG_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Sub-domains the platform serves itself, or may want to serve later: giving one to a
 * tenant would let that tenant impersonate the platform (login pages, mail, API, status).
 */
export const RESERVED_SUBDOMAINS: ReadonlySet<string> = new Set([
  // Platform entry points
  "www",
  "app",
  "api",
  "admin",
  "administrator",
  "dashboard",
  "console",
  "portal",
  "platform",
  "account",
  "accounts",
  "auth",
  "login",
  "logout",
  "signin",
  "signup",
  "register",
  "sso",
  "oauth",
  "id",
  "billing",
  "pay",
  "payments",
  "checkout",
  // Mail and DNS infrastructure
  "mail",
  "email",
  "smtp",
  "imap",
  "pop",
  "pop3",
  "mx",
  "ns",
  "ns1",
  "ns2",
  "dns",
  "autodiscover",
  "autoconfig",
  "webmail",
  // Public content
  "status",
  "docs",
  "help",
  "support",
  "blog",
  "news",
  "about",
  "legal",
  "privacy",
  "terms",
  "security",
  "developer",
  "developers",
  // Assets and delivery
  "static",
  "assets",
  "cdn",
  "media",
  "files",
  "img",
  "images",
  "ftp",
  "sftp",
  "ws",
  "wss",
  "webhooks",
  "hooks",
  // Operations and environments
  "root",
  "system",
  "internal",
  "intranet",
  "localhost",
  "staging",
  "stage",
  "dev",
  "test",
  "demo",
  "sandbox",
  "beta",
  "preview",
  "git",
  "ci",
  "vpn",
  "proxy",
  "monitor",
  "metrics",
  "health",
  "logiaccounting",
]);

/**
 * Labels with "--" in positions 3–4 are reserved by IDNA ("xn--" is punycode): a slug such
 * as "xn--pypal-4ve" would be shown by browsers as a look-alike Unicode name.
 */
const IDNA_RESERVED_LABEL = /^[a-z0-9]{2}--/;

/** True when the string has the slug format of the database CHECK (does not check reservation). */
export function isValidSlugFormat(slug: string): boolean {
  return SLUG_PATTERN.test(slug);
}

/** True when the name can never be a tenant slug: a platform name or an IDNA-reserved label. */
export function isReservedSlug(slug: string): boolean {
  return isReservedLabel(slug.toLowerCase());
}

/**
 * `isReservedSlug` for a label that is already lower case (the host router's case: it
 * runs on every request, so it skips the case folding and the regular expression).
 */
export function isReservedLabel(label: string): boolean {
  if (RESERVED_SUBDOMAINS.has(label)) return true;
  // Cheap pre-check for IDNA_RESERVED_LABEL: "--" at positions 3–4.
  return label.charCodeAt(2) === 45 && label.charCodeAt(3) === 45 && IDNA_RESERVED_LABEL.test(label);
}

export type SlugProblem = "format" | "reserved";

/** Why a requested slug cannot be taken, or null when it can (uniqueness is the database's job). */
export function slugProblem(slug: string): SlugProblem | null {
  if (!isValidSlugFormat(slug)) return "format";
  if (isReservedSlug(slug)) return "reserved";
  return null;
}
