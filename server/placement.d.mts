export interface PlacementOptions {
  /** Worker processes, the last of them the overflow worker; at least 2. */
  workers: number;
  /** 429 answers within windowMs that put a host in quarantine. */
  quarantineAfter?: number;
  windowMs?: number;
  /** How long a quarantined host must go without a 429 to return to its own worker. */
  releaseAfterMs?: number;
  /** Most hosts remembered at once. */
  maxHosts?: number;
  now?: () => number;
  onChange?: (host: string, change: "quarantined" | "released") => void;
}

export interface QuarantinedHost {
  host: string;
  /** Epoch milliseconds. */
  since: number;
  lastRefusal: number;
  /** When it returns to its own worker unless another 429 comes first. */
  releaseAt: number;
}

export interface Placement {
  /** Index of the overflow worker (workers - 1). */
  readonly overflow: number;
  workerFor(hostHeader: string | undefined): number;
  record(hostHeader: string | undefined, status: number | undefined): void;
  quarantined(): string[];
  quarantinedHosts(): QuarantinedHost[];
}

export declare const PLACEMENT_DEFAULTS: Readonly<Required<Omit<PlacementOptions, "workers" | "now" | "onChange">>>;
export declare function hostKey(hostHeader: string | undefined): string;
export declare function createPlacement(options: PlacementOptions): Placement;
