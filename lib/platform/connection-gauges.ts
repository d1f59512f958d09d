import { mainConnection } from "@/lib/db/connection";
import { requestGateStats, type RequestGateStats } from "@/lib/rate-limit/request-gate";
import { frontStats, type FrontStatsResult } from "./front-stats";
import { tenantPlaneGauges, type PlaneGauges } from "@/lib/tenancy/isolation/planes";

export interface ConnectionGaugesReport {
  main: { mode: "server" | "embedded"; total: number; idle: number; waiting: number; max: number };
  tenants: PlaneGauges;
  process: { rssBytes: number; heapUsedBytes: number };
  /** The request gate in front of Next (server.mjs); null when there is none. */
  requestGate: RequestGateStats | null;
  /**
   * With several workers (SERVER_WORKERS): which one answered (the figures above are its
   * own), and the front's view of all of them. A single server says so.
   */
  front: FrontStatsResult;
  at: string;
}

/** What a platform admin (or a scraper) reads to see connection use: main pool + per-tenant planes, the request gate, the front. */
export async function connectionGauges(): Promise<ConnectionGaugesReport> {
  const connection = await mainConnection();
  const main =
    connection.mode === "server"
      ? {
          mode: "server" as const,
          total: connection.pool.totalCount,
          idle: connection.pool.idleCount,
          waiting: connection.pool.waitingCount,
          max: connection.config.poolMax,
        }
      : { mode: "embedded" as const, total: 1, idle: 0, waiting: 0, max: 1 };
  const memory = process.memoryUsage();
  return {
    main,
    tenants: await tenantPlaneGauges(),
    process: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
    requestGate: requestGateStats(),
    front: await frontStats(),
    at: new Date().toISOString(),
  };
}
