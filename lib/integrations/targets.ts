import { lookup, Resolver } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { ValidationError } from "@/lib/http/errors";

/**
 * Where a workspace may send its events. The URL is the workspace's to choose, and the
 * server sends the request: without a check, an endpoint `http://10.0.0.5/admin` or the
 * cloud's metadata address would make this server call its own private network (SSRF).
 * So, by default: https only, no credentials in the URL, and every address the host
 * resolves to must be public — checked when the endpoint is saved (for IP literals) and
 * again at each delivery, whose connection then goes to the address that was checked (a
 * DNS answer that changes in between cannot point it elsewhere).
 *
 * WEBHOOK_ALLOW_PRIVATE_TARGETS=1 lifts the address check and allows http — for development
 * and the tests' local receivers, never for a deployment that serves the public.
 */

export interface TargetPolicy {
  allowPrivate: boolean;
  /** DNS servers to ask instead of the system's (`host:port`; the tests' stand-in server). */
  dnsServers?: string[];
}

export function targetPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): TargetPolicy {
  return { allowPrivate: env.WEBHOOK_ALLOW_PRIVATE_TARGETS === "1" };
}

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 3],
] as const)
  PRIVATE.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 127],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  PRIVATE.addSubnet(network, prefix, "ipv6");

/** Loopback, private, link-local, shared, documentation, multicast or reserved: not the public internet. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, "ipv4");
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1], "ipv4");
  return PRIVATE.check(address, "ipv6");
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, "");

/** A URL an endpoint may have, normalised, or a ValidationError naming `field`. */
export function parseWebhookUrl(value: unknown, policy: TargetPolicy, field = "url"): string {
  const invalid = (message: string) => new ValidationError([{ field, message }]);
  if (typeof value !== "string" || !value.trim()) throw invalid("Give the URL that should receive the events");
  if (value.length > 2048) throw invalid("At most 2,048 characters");
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw invalid("Not a valid URL: use https://your-server.example/path");
  }
  if (url.protocol !== "https:" && !(policy.allowPrivate && url.protocol === "http:"))
    throw invalid("Use an https:// URL");
  if (url.username || url.password) throw invalid("Put no user name or password in the URL; check the signature");
  if (!url.hostname) throw invalid("The URL needs a host");
  if (!policy.allowPrivate && isIP(hostOf(url)) && isPrivateAddress(hostOf(url)))
    throw invalid("Events can only go to a public address");
  if (!policy.allowPrivate && /(^|\.)localhost$/i.test(url.hostname))
    throw invalid("Events can only go to a public address");
  url.hash = "";
  return url.toString();
}

export class TargetRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetRefusedError";
  }
}

/**
 * Names are resolved with c-ares (`Resolver`), not getaddrinfo: `dns.lookup` runs on libuv's
 * four worker threads, which password hashing and file reads share, so a slow DNS server
 * would hold up sign-ins while the dispatcher waits for it. c-ares does not read /etc/hosts;
 * only with WEBHOOK_ALLOW_PRIVATE_TARGETS (development: `localhost` receivers) is the
 * system's lookup used.
 */
const DNS_TIMEOUT_MS = 2_000;

async function addressesOf(host: string, policy: TargetPolicy): Promise<{ address: string; family: number }[]> {
  if (policy.allowPrivate) return lookup(host, { all: true, verbatim: true });
  const resolver = new Resolver({ timeout: DNS_TIMEOUT_MS, tries: 2 });
  if (policy.dnsServers) resolver.setServers(policy.dnsServers);
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const found = [
    ...(v4.status === "fulfilled" ? v4.value.map((address) => ({ address, family: 4 })) : []),
    ...(v6.status === "fulfilled" ? v6.value.map((address) => ({ address, family: 6 })) : []),
  ];
  if (!found.length && v4.status === "rejected") throw v4.reason;
  return found;
}

/** The address a delivery to `url` connects to: resolved now, every answer checked. */
export async function resolveTarget(url: URL, policy: TargetPolicy): Promise<{ address: string; family: 4 | 6 }> {
  const host = hostOf(url);
  const literal = isIP(host);
  const addresses = literal
    ? [{ address: host, family: literal }]
    : await addressesOf(host, policy).catch((error: NodeJS.ErrnoException) => {
        throw new TargetRefusedError(`cannot resolve ${host} (${error.code ?? error.message})`);
      });
  if (!addresses.length) throw new TargetRefusedError(`${host} has no address`);
  if (!policy.allowPrivate) {
    const refused = addresses.find((entry) => isPrivateAddress(entry.address));
    if (refused) throw new TargetRefusedError(`${host} resolves to a private address (${refused.address})`);
  }
  const [first] = addresses;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
