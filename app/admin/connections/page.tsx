import { Details } from "@/components/accounting/list-controls";
import { connectionGauges } from "@/lib/platform/connection-gauges";
import { FrontSection } from "../_lib/front-section";
import { adminForPage } from "../_lib/guard";
import { AdminForbidden, AdminShell } from "../_lib/shell";

export const metadata = { title: "Connections · Platform admin" };

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The gauges of GET /api/v1/admin/connections, for people: main pool, tenant schemas and databases. */
export default async function AdminConnectionsPage() {
  const user = await adminForPage();
  if (!user) return <AdminForbidden />;
  const g = await connectionGauges();
  const db = g.tenants.databases;
  return (
    <AdminShell user={user}>
      <h1 className="text-2xl font-bold">Connections</h1>
      <p className="mt-1 text-sm text-slate-600">
        This server process{g.front.kind === "single-process" ? "" : ` (worker ${g.front.worker})`},{" "}
        {g.at.slice(0, 19).replace("T", " ")} UTC.
      </p>
      <h2 className="mt-6 text-lg font-semibold">Main database ({g.main.mode})</h2>
      <Details
        items={[
          { label: "Connections open", value: `${g.main.total} of ${g.main.max}` },
          { label: "Idle", value: g.main.idle },
          { label: "Waiting for a connection", value: g.main.waiting },
        ]}
      />
      <h2 className="mt-6 text-lg font-semibold">Schema-level tenants</h2>
      <Details
        items={[
          { label: "Clients cached", value: `${g.tenants.schemaClients.open} of ${g.tenants.schemaClients.max}` },
          { label: "Clients evicted", value: g.tenants.schemaClients.evictions },
        ]}
      />
      <h2 className="mt-6 text-lg font-semibold">Database-level tenants</h2>
      <Details
        items={[
          { label: "Databases open", value: db.openHandles },
          { label: "Connections reserved", value: `${db.connections} of a budget of ${db.budget}` },
          { label: "In use now", value: db.inUse },
          { label: "Waiting for room", value: db.waiting },
          { label: "Opened", value: db.opens },
          { label: "Evicted", value: db.evictions },
        ]}
      />
      <h2 className="mt-6 text-lg font-semibold">Request gate</h2>
      {g.requestGate ? (
        <Details
          items={[
            { label: "Requests in progress", value: g.requestGate.inProgress },
            { label: "Rate-limited probes running", value: g.requestGate.yielding },
            { label: "Probes paused for other requests", value: g.requestGate.paused },
            { label: "Probes waiting for a gap", value: g.requestGate.waiting },
          ]}
        />
      ) : (
        <p className="mt-2 text-sm text-slate-600">
          Not running: this server was not started with server.mjs (npm start), so refusals go through the route.
        </p>
      )}
      <h2 className="mt-6 text-lg font-semibold">Front and workers</h2>
      <FrontSection front={g.front} />
      <h2 className="mt-6 text-lg font-semibold">Process</h2>
      <Details
        items={[
          { label: "Resident memory", value: mb(g.process.rssBytes) },
          { label: "Heap used", value: mb(g.process.heapUsedBytes) },
        ]}
      />
    </AdminShell>
  );
}
