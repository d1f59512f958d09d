export interface GapOptions {
  /** Longest a quarantined call waits for a gap before it is forwarded anyway (default 250). */
  maxWaitMs?: number;
  /** Calls waiting at most; beyond, the front answers 503 (default 1,000). */
  maxWaiting?: number;
}

export interface GapStats {
  /** Calls of hosts within their limits in progress. */
  regular: number;
  /** Quarantined calls forwarded and in progress. */
  quarantined: number;
  /** Quarantined calls waiting for a gap. */
  waiting: number;
}

export interface Gaps {
  regularStarted(): () => void;
  quarantinedArrived(start: (finished: () => void) => void): boolean;
  stats(): GapStats;
}

export declare const GAP_DEFAULTS: Readonly<Required<GapOptions>>;
export declare function createGaps(options?: GapOptions): Gaps;
