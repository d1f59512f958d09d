/**
 * Host parsing for tenant routing. The root domain comes from ROOT_DOMAIN (default
 * localhost:3000); `<slug>.<root domain>` addresses a tenant by its slug.
 */

export const DEFAULT_ROOT_DOMAIN = "localhost:3000";

/** Names that are never tenant slugs: they serve the platform itself. */
export const RESERVED_SUBDOMAINS: ReadonlySet<string> = new Set([
  "www",
  "app",
  "api",
  "admin",
  "mail",
  "smtp",
  "imap",
  "pop",
  "ftp",
  "status",
  "docs",
  "help",
  "support",
  "blog",
  "static",
  "assets",
  "cdn",
  "auth",
  "login",
  "signup",
  "billing",
  "dashboard",
  "root",
  "system",
  "internal",
  "staging",
  "dev",
  "test",
]);

/** Lower case, no port, no trailing dot. */
export function hostnameOf(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith("[")) return name.slice(0, name.indexOf("]") + 1); // IPv6 literal
  const colon = name.lastIndexOf(":");
  if (colon !== -1) name = name.slice(0, colon);
  return name.replace(/\.+$/, "");
}

export function rootHostname(rootDomain: string = process.env.ROOT_DOMAIN || DEFAULT_ROOT_DOMAIN): string {
  return hostnameOf(rootDomain);
}

export type HostMatch =
  | { kind: "root" }
  | { kind: "subdomain"; slug: string }
  | { kind: "reserved"; label: string }
  | { kind: "other"; hostname: string };

/** Classifies a request's Host header against the root domain. */
export function classifyHost(host: string | null, rootDomain?: string): HostMatch {
  const root = rootHostname(rootDomain);
  const hostname = hostnameOf(host ?? "");
  // A bare IP address (health checks, `curl http://127.0.0.1:3000/`) reaches the platform.
  if (!hostname || hostname === root || isIpLiteral(hostname)) return { kind: "root" };
  if (hostname.endsWith(`.${root}`)) {
    const label = hostname.slice(0, -(root.length + 1));
    if (label.includes(".")) return { kind: "other", hostname };
    if (RESERVED_SUBDOMAINS.has(label)) return { kind: "reserved", label };
    return { kind: "subdomain", slug: label };
  }
  return { kind: "other", hostname };
}

/** Set by proxy.ts on rewritten tenant requests; incoming x-tenant-* headers are always stripped. */
export const TENANT_SLUG_HEADER = "x-tenant-slug";

function isIpLiteral(hostname: string): boolean {
  return hostname.startsWith("[") || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}
