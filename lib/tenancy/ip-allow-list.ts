import { BlockList, isIP } from "node:net";

/**
 * Per-tenant IP allow-lists (tenant_settings.ip_whitelist): IPv4/IPv6 addresses and CIDR
 * ranges, matched with node's `net.BlockList`, which also matches IPv4-mapped IPv6
 * addresses (::ffff:10.0.0.1) against IPv4 ranges.
 *
 * Rules: an empty list allows everyone (no restriction configured). Invalid entries are
 * ignored; `validateCidrList` names them so settings can refuse to save them. A list whose
 * entries are all invalid allows nobody — the tenant asked for a restriction, and failing
 * open would silently drop it. An unparsable client address is never allowed by a non-empty list.
 */

export interface CidrEntryError {
  index: number;
  entry: string;
  reason: string;
}

export interface CidrValidation {
  ok: boolean;
  /** The valid entries, trimmed, in their original order. */
  entries: string[];
  errors: CidrEntryError[];
}

interface ParsedEntry {
  address: string;
  family: "ipv4" | "ipv6";
  prefix: number | null;
}

const PREFIX = /^\d{1,3}$/;

function parseEntry(raw: string): ParsedEntry | string {
  const text = raw.trim();
  if (!text) return "empty entry";
  const slash = text.indexOf("/");
  const address = slash === -1 ? text : text.slice(0, slash);
  if (address.includes("%")) return "zone ids (%…) are not allowed";
  const version = isIP(address);
  if (version === 0) return `"${address}" is not an IPv4 or IPv6 address`;
  const family = version === 4 ? "ipv4" : "ipv6";
  if (slash === -1) return { address, family, prefix: null };
  const prefixText = text.slice(slash + 1);
  const max = version === 4 ? 32 : 128;
  if (!PREFIX.test(prefixText) || Number(prefixText) > max) return `prefix length must be a number from 0 to ${max}`;
  return { address, family, prefix: Number(prefixText) };
}

/** Checks every entry of an allow-list and names each one that is not an address or CIDR range. */
export function validateCidrList(entries: readonly string[]): CidrValidation {
  const valid: string[] = [];
  const errors: CidrEntryError[] = [];
  entries.forEach((entry, index) => {
    const parsed = parseEntry(entry);
    if (typeof parsed === "string") errors.push({ index, entry, reason: parsed });
    else valid.push(entry.trim());
  });
  return { ok: errors.length === 0, entries: valid, errors };
}

/** Compiled lists, keyed by the (frozen, cached) array of a TenantRecord so a request does not rebuild it. */
const compiled = new WeakMap<readonly string[], BlockList>();

function compile(allowList: readonly string[]): BlockList {
  let list = compiled.get(allowList);
  if (list) return list;
  list = new BlockList();
  for (const entry of allowList) {
    const parsed = parseEntry(entry);
    if (typeof parsed === "string") continue;
    if (parsed.prefix === null) list.addAddress(parsed.address, parsed.family);
    else list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  compiled.set(allowList, list);
  return list;
}

/** The client address as BlockList wants it: no brackets, no zone id. */
function clientAddress(ip: string): { address: string; family: "ipv4" | "ipv6" } | null {
  let address = ip.trim();
  if (address.startsWith("[") && address.endsWith("]")) address = address.slice(1, -1);
  const zone = address.indexOf("%");
  if (zone !== -1) address = address.slice(0, zone);
  const version = isIP(address);
  if (version === 0) return null;
  return { address, family: version === 4 ? "ipv4" : "ipv6" };
}

/** True when the address may reach the tenant under its allow-list. */
export function isIpAllowed(ip: string | null | undefined, allowList: readonly string[]): boolean {
  if (allowList.length === 0) return true;
  const client = ip ? clientAddress(ip) : null;
  if (!client) return false;
  return compile(allowList).check(client.address, client.family);
}
