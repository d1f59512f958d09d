import { DEFAULT_ROOT_DOMAIN } from "./hosts";

/** http for localhost-style development roots, https everywhere else (PUBLIC_PROTOCOL overrides). */
export function publicProtocol(env: NodeJS.ProcessEnv = process.env): "http" | "https" {
  if (env.PUBLIC_PROTOCOL === "http" || env.PUBLIC_PROTOCOL === "https") return env.PUBLIC_PROTOCOL;
  const root = env.ROOT_DOMAIN || DEFAULT_ROOT_DOMAIN;
  return /(^|\.)localhost(:\d+)?$/.test(root) ? "http" : "https";
}

export function platformOrigin(env: NodeJS.ProcessEnv = process.env): string {
  return `${publicProtocol(env)}://${env.ROOT_DOMAIN || DEFAULT_ROOT_DOMAIN}`;
}

/** The address a tenant is opened at: its primary verified custom domain, else its subdomain. */
export function tenantOrigin(
  tenant: { slug: string; primaryDomain?: string | null },
  env: NodeJS.ProcessEnv = process.env,
): string {
  const root = env.ROOT_DOMAIN || DEFAULT_ROOT_DOMAIN;
  if (tenant.primaryDomain) {
    const port = root.includes(":") ? root.slice(root.lastIndexOf(":")) : "";
    return `${publicProtocol(env)}://${tenant.primaryDomain}${port}`;
  }
  return `${publicProtocol(env)}://${tenant.slug}.${root}`;
}
