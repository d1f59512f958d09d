import type { Permission } from "../../lib/auth/permissions";

/**
 * The tenant-plane routes of /api/v1, described once for the cross-tenant attack suite
 * (e2e/api-attacks.spec.ts). Every entry yields its attacks: the suite creates victim rows
 * in tenant B through `create`, then from tenant A (API key and session) calls every item
 * operation with B's ids, lists every page of the list endpoint, tries every nested
 * reference to B's rows, and replays all of it on B's host and on the root domain with
 * X-Tenant-ID. Adding a route here adds its attacks; nothing else needs to change.
 */

/** Resources other resources refer to (and whose ids the body builders receive). */
export type ResourceName = "customers" | "products" | "invoices" | "projects" | "apiKeys" | "webhooks";

/** Ids of one tenant's rows, by resource: what a body builder may point at. */
export type Refs = Partial<Record<ResourceName, string>>;

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

export interface ItemOperation {
  method: Method;
  /** What follows `/:id`: "" for the item itself, "/send" for an action. */
  suffix: string;
  /** The permission the route handler asks for (API keys act as role member). */
  permission: Permission;
  /** A valid body for the tenant's own rows; the attack sends it with B's id. */
  body?: (tag: string) => unknown;
}

export interface NestedReference {
  /** The field and what it points to, for the report. */
  field: string;
  target: ResourceName;
  /** A create body of this resource whose `field` is `refs[target]` (all other refs are A's own). */
  create?: (refs: Refs, tag: string) => unknown;
  /** A PATCH body for A's own row whose `field` is `refs[target]`. */
  patch?: (refs: Refs, tag: string) => unknown;
}

export interface ResourceRoute {
  name: ResourceName;
  /** Collection path: GET lists (`{ data, nextCursor }`), POST creates. */
  base: string;
  /** The plan feature the route needs (lib/accounting/features.ts); none: every plan has it. */
  feature?: string;
  /** Session only (`apiKeys: false` in tenantRoute): API keys get 403 before any lookup. */
  sessionOnly?: boolean;
  /** The permission of the list endpoint. */
  listPermission: Permission;
  /** Whether `GET :id` exists; otherwise a victim row is read back through the list. */
  itemGet: boolean;
  /** Fields that legitimately change without a write to the row (excluded from the snapshot). */
  volatile?: string[];
  /** List filters naming B's rows: A's list must come back empty. */
  listFilters?: (victim: Refs) => Record<string, string>[];
  /** How the suite creates a row in a tenant; `needs` are created first in that tenant. */
  create: {
    permission: Permission;
    needs: ResourceName[];
    body: (refs: Refs, tag: string) => unknown;
    /** Extra victim rows: the same create, then these POST actions (e.g. a sent invoice). */
    variants?: { label: string; actions: string[] }[];
  };
  items: ItemOperation[];
  references?: NestedReference[];
}

const today = new Date().toISOString().slice(0, 10);

const invoiceBody = (refs: Refs, tag: string) => ({
  customerId: refs.customers,
  issueDate: today,
  dueDate: today,
  notes: `attack ${tag}`,
  lines: [
    { description: `service ${tag}`, quantity: 2, unitPriceMinor: 1250, taxRateBps: 1000 },
    { description: `goods ${tag}`, quantity: 1, unitPriceMinor: 990, productId: refs.products },
  ],
});

export const ATTACK_ROUTES: ResourceRoute[] = [
  {
    name: "customers",
    base: "/api/v1/customers",
    feature: "basic_invoicing",
    listPermission: "tenant:read",
    itemGet: true,
    create: {
      permission: "records:create",
      needs: [],
      body: (_refs, tag) => ({ name: `Customer ${tag}`, email: `${tag}@example.test`, country: "US" }),
    },
    items: [
      { method: "GET", suffix: "", permission: "tenant:read" },
      { method: "PATCH", suffix: "", permission: "records:update", body: (tag) => ({ name: `pwned ${tag}` }) },
      { method: "DELETE", suffix: "", permission: "records:delete" },
    ],
  },
  {
    name: "products",
    base: "/api/v1/products",
    feature: "inventory",
    listPermission: "tenant:read",
    itemGet: true,
    create: {
      permission: "records:create",
      needs: [],
      body: (_refs, tag) => ({ sku: `SKU-${tag}`, name: `Product ${tag}`, priceMinor: 990, stock: 5 }),
    },
    items: [
      { method: "GET", suffix: "", permission: "tenant:read" },
      {
        method: "PATCH",
        suffix: "",
        permission: "records:update",
        body: (tag) => ({ name: `pwned ${tag}`, priceMinor: 1 }),
      },
      { method: "DELETE", suffix: "", permission: "records:delete" },
      {
        method: "POST",
        suffix: "/stock",
        permission: "records:update",
        body: (tag) => ({ delta: -1, reason: `attack ${tag}` }),
      },
    ],
  },
  {
    name: "invoices",
    base: "/api/v1/invoices",
    feature: "basic_invoicing",
    listPermission: "tenant:read",
    itemGet: true,
    listFilters: (victim) => (victim.customers ? [{ customerId: victim.customers }] : []),
    create: {
      permission: "records:create",
      needs: ["customers", "products"],
      body: invoiceBody,
      variants: [{ label: "sent", actions: ["/send"] }],
    },
    items: [
      { method: "GET", suffix: "", permission: "tenant:read" },
      { method: "PATCH", suffix: "", permission: "records:update", body: (tag) => ({ notes: `pwned ${tag}` }) },
      { method: "DELETE", suffix: "", permission: "records:delete" },
      { method: "POST", suffix: "/send", permission: "records:update" },
      { method: "POST", suffix: "/pay", permission: "records:update" },
      { method: "POST", suffix: "/void", permission: "records:update" },
    ],
    references: [
      {
        field: "customerId",
        target: "customers",
        create: invoiceBody,
        patch: (refs) => ({ customerId: refs.customers }),
      },
      {
        field: "lines[].productId",
        target: "products",
        create: invoiceBody,
        patch: (refs, tag) => ({
          lines: [{ description: `goods ${tag}`, quantity: 1, unitPriceMinor: 990, productId: refs.products }],
        }),
      },
    ],
  },
  {
    name: "projects",
    base: "/api/v1/projects",
    feature: "projects",
    listPermission: "tenant:read",
    itemGet: true,
    listFilters: (victim) => (victim.customers ? [{ customerId: victim.customers }] : []),
    create: {
      permission: "records:create",
      needs: ["customers"],
      body: (refs, tag) => ({ name: `Project ${tag}`, customerId: refs.customers, budgetMinor: 100_000 }),
    },
    items: [
      { method: "GET", suffix: "", permission: "tenant:read" },
      {
        method: "PATCH",
        suffix: "",
        permission: "records:update",
        body: (tag) => ({ name: `pwned ${tag}`, status: "archived" }),
      },
      { method: "DELETE", suffix: "", permission: "records:delete" },
    ],
    references: [
      {
        field: "customerId",
        target: "customers",
        create: (refs, tag) => ({ name: `Project ${tag}`, customerId: refs.customers }),
        patch: (refs) => ({ customerId: refs.customers }),
      },
    ],
  },
  {
    name: "apiKeys",
    base: "/api/v1/tenant/api-keys",
    feature: "api_access",
    sessionOnly: true,
    listPermission: "api_keys:manage",
    itemGet: false,
    volatile: ["lastUsedAt"],
    create: { permission: "api_keys:manage", needs: [], body: (_refs, tag) => ({ name: `victim ${tag}` }) },
    items: [{ method: "DELETE", suffix: "", permission: "api_keys:manage" }],
  },
  {
    // Integrations (docs/integrations.md): every plan, limited by the integrations quota.
    // `.invalid` never resolves, so the endpoints the suite leaves behind call nobody.
    name: "webhooks",
    base: "/api/v1/tenant/webhooks",
    sessionOnly: true,
    listPermission: "integrations:manage",
    itemGet: true,
    create: {
      permission: "integrations:manage",
      needs: [],
      body: (_refs, tag) => ({
        url: `https://${tag.replace(/[^a-z0-9-]/gi, "-")}.invalid/hooks`,
        events: ["invoice.paid"],
      }),
    },
    items: [
      { method: "GET", suffix: "", permission: "integrations:manage" },
      {
        method: "PATCH",
        suffix: "",
        permission: "integrations:manage",
        body: (tag) => ({ description: `attack ${tag}` }),
      },
      { method: "GET", suffix: "/deliveries", permission: "integrations:manage" },
      { method: "POST", suffix: "/test", permission: "integrations:manage" },
      { method: "POST", suffix: "/secret", permission: "integrations:manage" },
      { method: "DELETE", suffix: "", permission: "integrations:manage" },
    ],
  },
];

/** Read-only endpoints without item routes: A's answers must not mention any of B's ids. */
export const ATTACK_READS: {
  name: string;
  feature: string;
  permission: Permission;
  /** Session only (`apiKeys: false` in tenantRoute): API keys get 403 before any lookup. */
  sessionOnly?: boolean;
  /** The paths to read on A's host, given B's ids. */
  paths: (victimIds: string[]) => string[];
}[] = [
  {
    name: "audit-events",
    feature: "audit",
    permission: "audit:read",
    paths: (ids) => ["/api/v1/audit-events?limit=100", ...ids.map((id) => `/api/v1/audit-events?entityId=${id}`)],
  },
  { name: "reports", feature: "reports", permission: "reports:read", paths: () => ["/api/v1/reports/summary"] },
  { name: "tenant", feature: "", permission: "tenant:read", paths: () => ["/api/v1/tenant"] },
  {
    name: "features",
    feature: "",
    permission: "tenant:read",
    paths: () => ["/api/v1/tenant/features", "/api/v1/tenant/features/inventory"],
  },
  {
    name: "quotas and usage",
    feature: "",
    permission: "tenant:read",
    paths: () => [
      "/api/v1/tenant/quotas",
      "/api/v1/tenant/usage",
      "/api/v1/tenant/usage/history?metric=invoices&periods=12",
    ],
  },
  { name: "settings", feature: "", permission: "settings:read", paths: () => ["/api/v1/tenant/settings"] },
  { name: "team", feature: "", permission: "team:read", paths: () => ["/api/v1/tenant/team"] },
  {
    name: "invitations",
    feature: "",
    permission: "team:invite",
    sessionOnly: true,
    paths: () => ["/api/v1/tenant/invitations"],
  },
];
