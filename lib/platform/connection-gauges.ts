import { mainConnection } from "@/lib/db/connection";
import { requestGateStats, type RequestGateStats } from "@/lib/rate-limit/request-gate";
import { tenantPlaneGauges, type PlaneGauges } from "@/lib/tenancy/isolation/planes";

export interface ConnectionGaugesReport {
  main: { mode: "server" | "embedded"; total: number; idle: number; waiting: number; max: number };
  tenants: PlaneGauges;
  process: { rssBytes: number; heapUsedBytes: number };
  /** The request gate in front of Next (server.mjs); null when there is none. */
  requestGate: RequestGateStats | null;
  at: string;
}

/** What a platform admin (or a scraper) reads to see connection use: main pool + per-tenant planes, and the request gate. */
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
    at: new Date().toISOString(),
  };
}
