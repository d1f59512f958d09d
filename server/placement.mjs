// Which worker process serves a request (server/front.mjs, decision 0016). Two rules:
//
// 1. Affinity: a host is always served by the same regular worker (a hash of the host), so a
//    workspace's traffic, its warm caches and its garbage stay in one process.
// 2. Quarantine: a host the rate limit keeps refusing — `quarantineAfter` 429 answers within
//    `windowMs` — is served by the overflow worker (the last one) until it has had no 429
//    for `releaseAfterMs`. Its flood and the calls its budget still admits then run, and
//    collect garbage, in a process the other workspaces do not use: a flooding workspace
//    cannot add its garbage collections to their latency. It keeps its budget: limits are
//    kept in Redis, which every worker shares (the front refuses to start workers without).
//
// Only rate-limit refusals (429) count: they are the one answer that says "this client is
// over its limit". Hosts are keyed lower-case without port; the table of noisy hosts is
// bounded (a client inventing Host headers cannot grow it past `maxHosts`).

/** FNV-1a: cheap, stable across processes and restarts, spreads short strings well. */
function hash(text) {
  let value = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    value ^= text.charCodeAt(i);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
}

/** `Acme.Example.com:3000` → `acme.example.com`; IPv6 literals keep their brackets. */
export function hostKey(hostHeader) {
  if (!hostHeader) return "";
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.indexOf(":");
  return colon < 0 ? host : host.slice(0, colon);
}

export const PLACEMENT_DEFAULTS = Object.freeze({
  quarantineAfter: 10,
  windowMs: 10_000,
  releaseAfterMs: 300_000,
  maxHosts: 10_000,
});

export function createPlacement(options) {
  const workers = options.workers;
  if (!Number.isInteger(workers) || workers < 2) throw new RangeError("placement needs at least 2 workers");
  const { quarantineAfter, windowMs, releaseAfterMs, maxHosts } = { ...PLACEMENT_DEFAULTS, ...options };
  const now = options.now ?? Date.now;
  /** Told when a host enters or leaves quarantine (the front logs it for the operator). */
  const onChange = options.onChange ?? (() => {});
  const overflow = workers - 1;
  /** host → { refusals: timestamps within windowMs, quarantinedAt, lastRefusal } (insertion order = age). */
  const noisy = new Map();

  function entryOf(host) {
    const entry = noisy.get(host);
    if (!entry) return undefined;
    if (now() - entry.lastRefusal > Math.max(windowMs, entry.quarantinedAt === null ? 0 : releaseAfterMs)) {
      noisy.delete(host);
      if (entry.quarantinedAt !== null) onChange(host, "released");
      return undefined;
    }
    return entry;
  }

  return {
    overflow,
    /** The worker index for a host: its regular worker, or the overflow worker while quarantined. */
    workerFor(hostHeader) {
      const host = hostKey(hostHeader);
      const entry = noisy.size ? entryOf(host) : undefined;
      if (entry && entry.quarantinedAt !== null) return overflow;
      return hash(host) % overflow;
    },
    /** Learns from an answer the worker gave to this host. */
    record(hostHeader, status) {
      if (status !== 429) return;
      const host = hostKey(hostHeader);
      const at = now();
      let entry = entryOf(host);
      if (!entry) {
        if (noisy.size >= maxHosts) noisy.delete(noisy.keys().next().value);
        entry = { refusals: [], quarantinedAt: null, lastRefusal: at };
        noisy.set(host, entry);
      }
      entry.lastRefusal = at;
      if (entry.quarantinedAt !== null) return;
      entry.refusals.push(at);
      while (entry.refusals.length && at - entry.refusals[0] > windowMs) entry.refusals.shift();
      if (entry.refusals.length >= quarantineAfter) {
        entry.quarantinedAt = at;
        entry.refusals = [];
        onChange(host, "quarantined");
      }
    },
    /**
     * Hosts in quarantine now, oldest first, for the operator: since when, their latest 429,
     * and when they return to their own worker if no 429 comes before (epoch milliseconds).
     */
    quarantinedHosts() {
      const hosts = [];
      for (const host of [...noisy.keys()]) {
        const entry = entryOf(host);
        if (entry?.quarantinedAt == null) continue;
        hosts.push({
          host,
          since: entry.quarantinedAt,
          lastRefusal: entry.lastRefusal,
          releaseAt: entry.lastRefusal + releaseAfterMs,
        });
      }
      return hosts;
    },
    /** Hosts in quarantine now (for the operator's log and the tests). */
    quarantined() {
      const hosts = [];
      for (const host of [...noisy.keys()]) if (entryOf(host)?.quarantinedAt != null) hosts.push(host);
      return hosts;
    },
  };
}
