import { isIPv4, isIPv6 } from "node:net";
import { domainToASCII } from "node:url";
import { isReservedLabel, RESERVED_SUBDOMAINS } from "./reserved";

/**
 * Host parsing for tenant routing. Every host that reaches a lookup goes through
 * `normalizeHost` first, so the cache and tenant_domains (stored lower-case ASCII) only ever
 * see one spelling of a name: "Acme.Example.:443", "acme.example" and "ACME.example." are
 * one key, and "bücher.example" is looked up as "xn--bcher-kva.example".
 *
 * The root domain comes from ROOT_DOMAIN (default localhost:3000); `<slug>.<root domain>`
 * addresses a tenant by its slug.
 */

export const DEFAULT_ROOT_DOMAIN = "localhost:3000";

/** Kept here too because proxy-era callers import it from hosts; the list lives in reserved.ts. */
export { RESERVED_SUBDOMAINS };

/** Set by proxy.ts on rewritten tenant requests; incoming x-tenant-* headers are always stripped. */
export const TENANT_SLUG_HEADER = "x-tenant-slug";

const MAX_HOSTNAME_LENGTH = 253;
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ALL_DIGITS = /^\d+$/;
/** Plain lower-case ASCII host names skip the (comparatively slow) IDNA conversion. */
const PLAIN_ASCII_HOST = /^[a-z0-9.-]+$/;
/**
 * ASCII characters a host name never contains. They are refused before IDNA conversion,
 * because `domainToASCII` parses its input as a URL host and silently cuts it at "/" or
 * "\\" ("acme.example/x" → "acme.example"), which would let a crafted Host header pass.
 */
const FORBIDDEN_ASCII = /[\x00-\x2c\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]/;
const PORT = /^\d{0,5}$/;
const MAX_PORT = 65535;

function isPort(text: string): boolean {
  return PORT.test(text) && (text === "" || Number(text) <= MAX_PORT);
}

/** `isPort(text.slice(start))` without the slice: the fast path runs on every request. */
function isPortAt(text: string, start: number): boolean {
  if (text.length - start > 5) return false;
  let port = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
    port = port * 10 + (c - 48);
  }
  return port <= MAX_PORT;
}

/**
 * The canonical host name of a Host header value, or null when it is not a valid host:
 * lower case, no port, no trailing dot(s), internationalised names in punycode (IDNA via
 * node's `domainToASCII`), IPv6 literals bracketed and compressed ("[::1]"). Names with
 * characters outside letters, digits and inner hyphens (userinfo "@", "_", spaces, empty
 * labels, labels over 63 characters) are rejected rather than repaired, because a host we
 * would have to guess at is not one we should route.
 */
export function normalizeHost(raw: string): string | null {
  const fast = normalizePlainHost(raw);
  return fast !== undefined ? fast : normalizeAnyHost(raw);
}

/**
 * The common case in one pass without allocations: an ASCII name with an optional port,
 * already valid. Returns undefined for anything else (spaces, brackets, Unicode, punycode
 * or other "??--" labels, trailing dots, invalid input), which `normalizeAnyHost` then
 * decides; a property test checks the two agree wherever this one answers.
 */
function normalizePlainHost(raw: string): string | undefined {
  const length = raw.length;
  let end = length;
  let labelStart = 0;
  let upper = false;
  for (let i = 0; i < length; i++) {
    const c = raw.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) continue; // a-z 0-9
    if (c >= 65 && c <= 90) {
      upper = true; // A-Z
    } else if (c === 45) {
      // "-": not first in a label, and not "--" at positions 3–4 (IDNA territory, e.g. "xn--").
      if (i === labelStart || (i === labelStart + 2 && raw.charCodeAt(i + 1) === 45)) return undefined;
    } else if (c === 46) {
      // ".": closes a label of 1–63 characters that does not end with "-".
      if (i === labelStart || i - labelStart > 63 || raw.charCodeAt(i - 1) === 45) return undefined;
      labelStart = i + 1;
    } else if (c === 58) {
      // ":": the rest must be a port.
      if (!isPortAt(raw, i + 1)) return undefined;
      end = i;
      break;
    } else {
      return undefined;
    }
  }
  if (end === labelStart || end - labelStart > 63 || raw.charCodeAt(end - 1) === 45 || end > MAX_HOSTNAME_LENGTH) {
    return undefined;
  }
  // A last label starting with a digit may be an IPv4 address or a numeric "TLD": the general path decides.
  const lastLabelFirst = raw.charCodeAt(labelStart);
  if (lastLabelFirst >= 48 && lastLabelFirst <= 57) return undefined;
  const name = end === length ? raw : raw.slice(0, end);
  return upper ? name.toLowerCase() : name;
}

/** Every other spelling: surrounding spaces, IPv6 literals, trailing dots, Unicode and punycode. */
function normalizeAnyHost(raw: string): string | null {
  const value = raw.trim();
  if (!value) return null;
  if (value.startsWith("[")) return normalizeIpv6Literal(value);

  let name = value;
  const colon = name.lastIndexOf(":");
  if (colon !== -1) {
    if (!isPort(name.slice(colon + 1))) return null;
    name = name.slice(0, colon);
    // A second colon means an unbracketed IPv6 address or garbage: neither is a Host.
    if (name.includes(":")) return null;
  }
  name = stripTrailingDots(name);
  if (!name) return null;

  const lower = name.toLowerCase();
  if (!PLAIN_ASCII_HOST.test(lower) || lower.includes("xn--")) {
    if (FORBIDDEN_ASCII.test(name)) return null;
    // Unicode input, or punycode whose validity only the IDNA decoder can judge.
    const ascii = stripTrailingDots(domainToASCII(name));
    return isValidHostname(ascii) ? ascii : null;
  }
  return isValidHostname(lower) ? lower : null;
}

/** Exposed for the property test that holds the fast path to the general one. */
export const normalizeHostPaths = { plain: normalizePlainHost, any: normalizeAnyHost };

function stripTrailingDots(name: string): string {
  let end = name.length;
  while (end > 0 && name.charCodeAt(end - 1) === 46 /* "." */) end--;
  return end === name.length ? name : name.slice(0, end);
}

function isValidHostname(name: string): boolean {
  if (!name || name.length > MAX_HOSTNAME_LENGTH) return false;
  const labels = name.split(".");
  for (const label of labels) {
    if (!LDH_LABEL.test(label)) return false;
  }
  // No top-level domain is all digits; such a name is an IPv4 address or nothing (as in
  // the URL standard, which browsers apply to the same Host value).
  return !ALL_DIGITS.test(labels[labels.length - 1]) || isIPv4(name);
}

function normalizeIpv6Literal(value: string): string | null {
  const close = value.indexOf("]");
  if (close === -1) return null;
  const rest = value.slice(close + 1);
  if (rest && !(rest.startsWith(":") && isPort(rest.slice(1)))) return null;
  const address = value.slice(1, close);
  // Zone ids ("%eth0") are meaningful only on the sending machine.
  if (address.includes("%") || !isIPv6(address)) return null;
  // The URL parser prints the canonical (lower-case, compressed) form.
  return new URL(`http://[${address}]/`).hostname;
}

/** Compatibility spelling of `normalizeHost` for callers that want "" instead of null. */
export function hostnameOf(host: string): string {
  return normalizeHost(host) ?? "";
}

export function isIpLiteral(hostname: string): boolean {
  const last = hostname.charCodeAt(hostname.length - 1);
  // A domain name's last label is never all digits, so only those names can be IPv4.
  return hostname.startsWith("[") || (last >= 48 && last <= 57 && isIPv4(hostname));
}

let rootMemo: { input: string; hostname: string } | undefined;

/**
 * The root domain's host name (ROOT_DOMAIN without its port). Memoised per input string
 * because it sits on the path of every request. A ROOT_DOMAIN that is not a host name is a
 * deployment error and throws, instead of routing every request somewhere surprising.
 */
export function rootHostname(rootDomain: string = process.env.ROOT_DOMAIN || DEFAULT_ROOT_DOMAIN): string {
  if (rootMemo?.input === rootDomain) return rootMemo.hostname;
  const hostname = normalizeHost(rootDomain);
  if (!hostname) throw new Error(`ROOT_DOMAIN is not a valid host name: ${JSON.stringify(rootDomain)}`);
  rootMemo = { input: rootDomain, hostname };
  return hostname;
}

export type HostMatch =
  | { kind: "root" }
  | { kind: "subdomain"; slug: string; hostname: string }
  | { kind: "reserved"; label: string }
  | { kind: "other"; hostname: string }
  | { kind: "invalid" };

/**
 * Classifies a request's Host header against the root domain:
 * - root: the root domain itself, a bare IP address (health checks, `curl http://127.0.0.1:3000/`)
 *   or a request without a Host header — all of them reach the platform, never a tenant;
 * - subdomain: exactly one label below the root domain that may be a slug;
 * - reserved: one label below the root domain that the platform keeps (www, api, xn--…);
 * - other: any other valid name (a candidate custom domain, or deeper names under the root);
 * - invalid: a Host header that is not a host name.
 */
export function classifyHost(host: string | null, rootDomain?: string): HostMatch {
  if (host === null || !host.trim()) return { kind: "root" };
  const hostname = normalizeHost(host);
  if (!hostname) return { kind: "invalid" };
  const root = rootHostname(rootDomain);
  if (hostname === root || isIpLiteral(hostname)) return { kind: "root" };
  if (
    hostname.length > root.length + 1 &&
    hostname.endsWith(root) &&
    hostname[hostname.length - root.length - 1] === "."
  ) {
    const label = hostname.slice(0, -(root.length + 1));
    if (label.includes(".")) return { kind: "other", hostname };
    if (isReservedLabel(label)) return { kind: "reserved", label };
    return { kind: "subdomain", slug: label, hostname };
  }
  return { kind: "other", hostname };
}
