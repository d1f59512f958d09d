/**
 * Per-tenant connection handles (pg pools, PGlite instances, clients) in a bounded LRU under
 * ONE global connection budget (DESIGN.md "Isolation levels" → Connections).
 *
 * - `acquire(key)` returns the key's handle, opening it on first use. Concurrent acquires of
 *   one key share a single `open()`. A handle stays open between acquires: never one per request.
 * - Before opening, the manager reserves `reserve(key)` connections (default 1; for a pg Pool
 *   pass its `max`) and evicts least-recently-used IDLE handles until the reservation fits the
 *   budget and `maxHandles`. Connections of handles that are still closing count against the
 *   budget until `close()` resolves, so the budget holds at every instant, not just on average.
 * - When every handle is in use and the budget cannot be met, `acquire` waits up to
 *   `acquireTimeoutMs` for a release, then throws `ConnectionBudgetExceededError`.
 * - `release(key)` marks one use done (the handle stays open, idle). `evict(key)` closes the
 *   handle now, in use or not (tenant deleted or moved). `closeIdle()` closes handles idle for
 *   `idleMs` or longer; a sweep timer runs it periodically and is unref'd, so it never keeps the
 *   process alive.
 */

export interface OpenedHandle<Handle> {
  handle: Handle;
  /** Connections the handle may hold at most (a pool's `max`, 1 for a client or PGlite). */
  connections: number;
}

export interface ConnectionManagerOptions<Handle> {
  /** Maximum total connections over all handles, including handles still closing. */
  budget: number;
  /** Maximum number of handles open (or opening) at once. Default: `budget`. */
  maxHandles?: number;
  /** A handle unused for this long is closed by `closeIdle()` and the sweep. Default 60 s. */
  idleMs?: number;
  /** How long `acquire` waits for room when everything is in use; 0 throws at once. Default 5 s. */
  acquireTimeoutMs?: number;
  /** Sweep period for `closeIdle()`; `false` disables the timer. Default: min(idleMs, 30 s). */
  sweepIntervalMs?: number | false;
  /** Connections to reserve before `open(key)`; must be ≥ what open reports. Default 1. */
  reserve?: (key: string) => number;
  open(key: string): Promise<OpenedHandle<Handle>>;
  close(handle: Handle, key: string): Promise<void>;
  /** Clock, injectable for tests. Default `Date.now`. */
  now?: () => number;
  /** Errors of `close()` (the handle is forgotten anyway). Default: ignored. */
  onCloseError?: (error: unknown, key: string) => void;
}

export interface ConnectionGauges {
  /** Handles open or opening (not counting handles being closed). */
  openHandles: number;
  /** Connections reserved by open/opening handles plus those of handles still closing. */
  connections: number;
  budget: number;
  /** Handles closed by the manager: LRU, idle, explicit `evict`. */
  evictions: number;
  /** Successful `open()` calls. */
  opens: number;
  /** Handles currently in use (at least one acquire not yet released). */
  inUse: number;
  /** Acquires waiting for room. */
  waiting: number;
}

export class ConnectionBudgetExceededError extends Error {
  constructor(
    readonly key: string,
    readonly budget: number,
    readonly requested: number,
    readonly inUse: number,
    readonly waitedMs: number,
  ) {
    super(
      `Connection budget of ${budget} exhausted: ${requested} connection(s) for "${key}" ` +
        `cannot be reserved while ${inUse} handle(s) are in use (waited ${waitedMs} ms)`,
    );
    this.name = "ConnectionBudgetExceededError";
  }
}

export class HandleEvictedError extends Error {
  constructor(readonly key: string) {
    super(`The handle for "${key}" was evicted while it was opening`);
    this.name = "HandleEvictedError";
  }
}

export class ConnectionManagerClosedError extends Error {
  constructor() {
    super("The connection manager is shut down");
    this.name = "ConnectionManagerClosedError";
  }
}

interface Entry<Handle> {
  key: string;
  state: "opening" | "open";
  handle?: Handle;
  /** Reserved while opening, reported by open() afterwards. */
  connections: number;
  refs: number;
  lastUsed: number;
  ready: Promise<Handle>;
  evicted: boolean;
  /** Set when an entry evicted while opening gets its handle and closes it. */
  closePromise?: Promise<void>;
}

export class ConnectionManager<Handle> {
  /** Insertion order is recency order: the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry<Handle>>();
  private readonly closing = new Set<Promise<void>>();
  private closingConnections = 0;
  private activeConnections = 0;
  private waiters: Array<() => void> = [];
  private evictions = 0;
  private opens = 0;
  private shutDown = false;
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  readonly budget: number;
  readonly maxHandles: number;
  readonly idleMs: number;
  readonly acquireTimeoutMs: number;
  private readonly now: () => number;
  private readonly reserve: (key: string) => number;

  constructor(private readonly options: ConnectionManagerOptions<Handle>) {
    if (!Number.isInteger(options.budget) || options.budget < 1)
      throw new RangeError("budget must be a positive integer");
    this.budget = options.budget;
    this.maxHandles = options.maxHandles ?? options.budget;
    if (!Number.isInteger(this.maxHandles) || this.maxHandles < 1) {
      throw new RangeError("maxHandles must be a positive integer");
    }
    this.idleMs = options.idleMs ?? 60_000;
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 5_000;
    this.now = options.now ?? Date.now;
    this.reserve = options.reserve ?? (() => 1);
    const sweep = options.sweepIntervalMs ?? Math.min(this.idleMs, 30_000);
    if (sweep !== false && Number.isFinite(sweep) && sweep > 0) {
      this.timer = setInterval(() => void this.closeIdle().catch(() => undefined), sweep);
      this.timer.unref?.();
    }
  }

  /** Returns the key's handle, opening it if needed. Pair every acquire with a `release`. */
  async acquire(key: string): Promise<Handle> {
    const started = this.now();
    const startedReal = Date.now();
    for (;;) {
      if (this.shutDown) throw new ConnectionManagerClosedError();
      const existing = this.entries.get(key);
      if (existing) {
        existing.refs += 1;
        this.touch(existing);
        if (existing.state === "open") return existing.handle as Handle;
        // Shares the one open() in flight; if it fails the entry is gone and its refs with it.
        return existing.ready;
      }

      const need = this.reserve(key);
      if (!Number.isInteger(need) || need < 1) throw new RangeError(`reserve("${key}") must be a positive integer`);
      if (need > this.budget) throw new ConnectionBudgetExceededError(key, this.budget, need, this.inUse(), 0);

      if (this.makeRoom(need)) {
        if (this.activeConnections + this.closingConnections + need <= this.budget) {
          return this.openEntry(key, need);
        }
        // Room is being freed: wait for the closes (always finite), then look again.
        await Promise.all([...this.closing]);
        continue;
      }

      const remaining = this.acquireTimeoutMs - (Date.now() - startedReal);
      if (remaining <= 0) {
        throw new ConnectionBudgetExceededError(key, this.budget, need, this.inUse(), this.now() - started);
      }
      await this.waitForChange(remaining);
    }
  }

  /** Ends one use of the key's handle; it stays open (idle) for reuse. */
  release(key: string, handle?: Handle): void {
    const entry = this.entries.get(key);
    if (!entry || entry.refs === 0) return;
    // A release for a handle that was evicted and reopened meanwhile must not count.
    if (handle !== undefined && entry.handle !== handle) return;
    entry.refs -= 1;
    this.touch(entry);
    if (entry.refs === 0) this.notify();
  }

  /** acquire → fn(handle) → release, also when fn throws. */
  async use<T>(key: string, fn: (handle: Handle) => Promise<T>): Promise<T> {
    const handle = await this.acquire(key);
    try {
      return await fn(handle);
    } finally {
      this.release(key, handle);
    }
  }

  /** Closes the key's handle now, even in use (tenant deleted or moved). True if there was one. */
  async evict(key: string): Promise<boolean> {
    const entry = this.entries.get(key);
    if (!entry) return false;
    await this.closeEntry(entry);
    return true;
  }

  /** Closes every idle handle unused for `idleMs` or longer; returns how many. */
  async closeIdle(): Promise<number> {
    const cutoff = this.now() - this.idleMs;
    const stale = [...this.entries.values()].filter((e) => e.state === "open" && e.refs === 0 && e.lastUsed <= cutoff);
    await Promise.all(stale.map((entry) => this.closeEntry(entry)));
    return stale.length;
  }

  /** Stops the sweep and closes every handle; later acquires throw. */
  async shutdown(): Promise<void> {
    this.shutDown = true;
    if (this.timer) clearInterval(this.timer);
    const all = [...this.entries.values()];
    await Promise.all(all.map((entry) => this.closeEntry(entry)));
    await Promise.all([...this.closing]);
    this.notify();
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Keys from least to most recently used. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  gauges(): ConnectionGauges {
    return {
      openHandles: this.entries.size,
      connections: this.activeConnections + this.closingConnections,
      budget: this.budget,
      evictions: this.evictions,
      opens: this.opens,
      inUse: this.inUse(),
      waiting: this.waiters.length,
    };
  }

  private inUse(): number {
    let count = 0;
    for (const entry of this.entries.values()) if (entry.refs > 0) count += 1;
    return count;
  }

  private touch(entry: Entry<Handle>): void {
    entry.lastUsed = this.now();
    this.entries.delete(entry.key);
    this.entries.set(entry.key, entry);
  }

  /**
   * Evicts idle handles, least recently used first, until `need` more connections and one more
   * handle fit. False (nothing evicted beyond what was needed) when in-use handles block it.
   */
  private makeRoom(need: number): boolean {
    const fits = () => this.activeConnections + need <= this.budget && this.entries.size + 1 <= this.maxHandles;
    if (fits()) return true;
    const idle = [...this.entries.values()].filter((e) => e.state === "open" && e.refs === 0);
    // Only evict if evicting can actually make room; otherwise keep the idle handles warm.
    const idleConnections = idle.reduce((sum, e) => sum + e.connections, 0);
    const enoughConnections = this.activeConnections - idleConnections + need <= this.budget;
    const enoughHandles = this.entries.size - idle.length + 1 <= this.maxHandles;
    if (!enoughConnections || !enoughHandles) return false;
    for (const entry of idle) {
      if (fits()) break;
      void this.closeEntry(entry);
    }
    return fits();
  }

  private openEntry(key: string, need: number): Promise<Handle> {
    let resolveReady!: (handle: Handle) => void;
    let rejectReady!: (error: unknown) => void;
    const ready = new Promise<Handle>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    // Waiters that joined this open see the same outcome; avoid an unhandled rejection when none did.
    ready.catch(() => undefined);
    const entry: Entry<Handle> = {
      key,
      state: "opening",
      connections: need,
      refs: 1,
      lastUsed: this.now(),
      ready,
      evicted: false,
    };
    this.entries.set(key, entry);
    this.activeConnections += need;

    void (async () => {
      let opened: OpenedHandle<Handle>;
      try {
        opened = await this.options.open(key);
      } catch (error) {
        this.forget(entry);
        this.notify();
        rejectReady(error);
        return;
      }
      this.opens += 1;
      if (entry.evicted) {
        // Its reservation is counted as closing by closeEntry until this close resolves.
        entry.closePromise = this.startClose(key, opened.handle, 0);
        rejectReady(new HandleEvictedError(key));
        return;
      }
      const actual = opened.connections;
      if (actual > need) {
        // open() broke the reserve() contract: evict idle handles for the difference or give up.
        if (!this.makeRoomFor(actual - need)) {
          this.forget(entry);
          this.startClose(key, opened.handle, actual);
          this.notify();
          rejectReady(new ConnectionBudgetExceededError(key, this.budget, actual, this.inUse(), 0));
          return;
        }
        entry.connections = actual;
        this.activeConnections += actual - need;
      } else {
        this.activeConnections -= need - actual;
        entry.connections = actual;
        if (actual < need) this.notify();
      }
      entry.state = "open";
      entry.handle = opened.handle;
      resolveReady(opened.handle);
    })();
    return ready;
  }

  /** Evicts idle handles so that `extra` more active connections fit; false if they cannot. */
  private makeRoomFor(extra: number): boolean {
    const fits = () => this.activeConnections + extra <= this.budget;
    for (const entry of [...this.entries.values()]) {
      if (fits()) break;
      if (entry.state === "open" && entry.refs === 0) void this.closeEntry(entry);
    }
    return fits();
  }

  private forget(entry: Entry<Handle>): void {
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    this.activeConnections -= entry.connections;
    entry.connections = 0;
  }

  private closeEntry(entry: Entry<Handle>): Promise<void> {
    if (this.entries.get(entry.key) !== entry) return Promise.resolve();
    this.evictions += 1;
    if (entry.state === "opening") {
      // Keeps its reservation until open() settles; then the handle is closed (see openEntry).
      entry.evicted = true;
      this.entries.delete(entry.key);
      const reserved = entry.connections;
      entry.connections = 0;
      this.activeConnections -= reserved;
      this.closingConnections += reserved;
      const settled = entry.ready.then(
        () => undefined,
        () => undefined,
      );
      const done = settled
        .then(() => entry.closePromise)
        .finally(() => {
          this.closingConnections -= reserved;
          this.closing.delete(done);
          this.notify();
        });
      this.closing.add(done);
      return done;
    }
    const connections = entry.connections;
    this.forget(entry);
    return this.startClose(entry.key, entry.handle as Handle, connections);
  }

  private startClose(key: string, handle: Handle, connections: number): Promise<void> {
    this.closingConnections += connections;
    // Deferred a tick so that `done` is assigned before the cleanup runs, even if close() throws synchronously.
    const done: Promise<void> = Promise.resolve()
      .then(() => this.options.close(handle, key))
      .catch((error: unknown) => this.options.onCloseError?.(error, key))
      .finally(() => {
        this.closingConnections -= connections;
        this.closing.delete(done);
        this.notify();
      });
    this.closing.add(done);
    return done;
  }

  private waitForChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.waiters.push(wake);
    });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
