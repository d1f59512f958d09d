import type { Gaps, GapOptions } from "./gaps.mjs";
import type { Placement, PlacementOptions, QuarantinedHost } from "./placement.mjs";
import type { GapStats } from "./gaps.mjs";

export interface FrontOptions {
  /** Public port (0: any free one, see Front.port). */
  port: number;
  hostname?: string;
  workers: number;
  /** A script that listens on 127.0.0.1 and reports { type: "listening", port } over IPC. */
  workerScript: string;
  env?: NodeJS.ProcessEnv;
  execArgv?: string[];
  placement?: Omit<PlacementOptions, "workers">;
  /** How quarantined hosts' calls wait for gaps (server/gaps.mjs). */
  gaps?: GapOptions;
  /** Niceness of the overflow worker (default OVERFLOW_NICENESS). */
  overflowNiceness?: number;
  log?: (line: string) => void;
}

/** The front's state, for the operator (GET /api/v1/admin/connections, /admin/connections). */
export interface FrontStats {
  workers: {
    index: number;
    role: "regular" | "overflow";
    pid: number | null;
    /** Listening now (false while it starts or restarts). */
    up: boolean;
    /** Epoch milliseconds of the current process's start. */
    startedAt: number;
    /** Times it was started again after exiting. */
    restarts: number;
  }[];
  quarantined: QuarantinedHost[];
  gaps: GapStats;
  at: number;
}

export interface Front {
  readonly port: number;
  readonly placement: Placement;
  readonly gaps: Gaps;
  /** Pids of the workers by index (null while one restarts). */
  workerPids(): (number | null)[];
  stats(): FrontStats;
  stop(): Promise<void>;
}

/** The security headers on the front's own answers (equal to lib/http/security-headers.ts). */
export declare const SECURITY_HEADERS: Readonly<Record<string, string>>;
/** Niceness of the overflow worker's threads (10, as `nice` uses by default). */
export declare const OVERFLOW_NICENESS: number;
export declare const FRONT_STATS_REQUEST: "front-stats-request";
export declare const FRONT_STATS_REPLY: "front-stats";
export declare function multiWorkerProblem(env: Record<string, string | undefined>): string | null;
export declare function startFront(options: FrontOptions): Promise<Front>;
