import { z } from "zod";
import { controlDb } from "@/lib/db/control";
import type { Prisma } from "@/lib/generated/control/client";
import { ConflictError, DomainError, NotFoundError, ValidationError, type FieldIssue } from "@/lib/http/errors";
import { zodIssues } from "@/lib/http/problem";
import { isUuid } from "@/lib/tenancy/directory";
import { tenantDirectory } from "@/lib/tenancy/directory-instance";
import { moveTenant } from "@/lib/tenancy/isolation/move";
import { provisionTenant } from "@/lib/tenancy/provisioning";
import { slugProblem } from "@/lib/tenancy/reserved";
import { recordPlatformAudit, type PlatformActor } from "./audit-log";

/**
 * The platform admin's tenant management: list (search, filters, pagination), get, create
 * (through provisioning), update, soft delete, suspend and activate. Every mutation writes
 * the platform audit log in the same transaction as the change, and then invalidates the
 * tenant directory so the proxy serves the new status, tier or name at once.
 */

export const TENANT_STATUSES = [
  "pending",
  "provisioning",
  "failed",
  "active",
  "suspended",
  "cancelled",
  "deleted",
] as const;
export const ISOLATION_LEVELS = ["shared_database", "schema", "database"] as const;
export const TIERS = ["free", "standard", "professional", "business", "enterprise"] as const;

export type { PlatformActor };

// ---------------------------------------------------------------------------------------
// Views

export interface AdminTenantListItem {
  id: string;
  slug: string;
  name: string;
  email: string;
  status: string;
  tier: string;
  planName: string;
  isolationLevel: string;
  ownerEmail: string | null;
  suspendedAt: string | null;
  deletedAt: string | null;
  createdAt: string;
}

export interface AdminTenantPage {
  data: AdminTenantListItem[];
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}

export interface AdminTenantDetail extends AdminTenantListItem {
  legalName: string | null;
  phone: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
  taxId: string | null;
  vatNumber: string | null;
  suspendedReason: string | null;
  updatedAt: string;
  owner: { id: string; email: string; name: string | null } | null;
  memberCount: number;
  domains: { domain: string; type: string; verified: boolean; primary: boolean; active: boolean }[];
  quota: {
    maxUsers: number | null;
    maxStorageMb: number | null;
    maxApiCallsPerMonth: number | null;
    maxInvoicesPerMonth: number | null;
    maxProducts: number | null;
    maxProjects: number | null;
    maxIntegrations: number | null;
  } | null;
}

const detailInclude = {
  plan: { select: { name: true } },
  owner: { select: { id: true, email: true, name: true } },
  domains: { orderBy: { domain: "asc" } },
  quota: true,
  _count: { select: { memberships: true } },
} satisfies Prisma.TenantInclude;

type DetailRow = Prisma.TenantGetPayload<{ include: typeof detailInclude }>;

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

function toListItem(
  row: Prisma.TenantGetPayload<{ include: { plan: { select: { name: true } }; owner: { select: { email: true } } } }>,
): AdminTenantListItem {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    email: row.email,
    status: row.status,
    tier: row.tier,
    planName: row.plan.name,
    isolationLevel: row.isolationLevel,
    ownerEmail: row.owner?.email ?? null,
    suspendedAt: iso(row.suspendedAt),
    deletedAt: iso(row.deletedAt),
    createdAt: row.createdAt.toISOString(),
  };
}

function toDetail(row: DetailRow): AdminTenantDetail {
  return {
    ...toListItem(row),
    legalName: row.legalName,
    phone: row.phone,
    addressLine1: row.addressLine1,
    addressLine2: row.addressLine2,
    city: row.city,
    state: row.state,
    postalCode: row.postalCode,
    country: row.country,
    taxId: row.taxId,
    vatNumber: row.vatNumber,
    suspendedReason: row.suspendedReason,
    updatedAt: row.updatedAt.toISOString(),
    owner: row.owner,
    memberCount: row._count.memberships,
    domains: row.domains.map((d) => ({
      domain: d.domain,
      type: d.domainType,
      verified: d.isVerified,
      primary: d.isPrimary,
      active: d.isActive,
    })),
    quota: row.quota
      ? {
          maxUsers: row.quota.maxUsers,
          maxStorageMb: row.quota.maxStorageMb,
          maxApiCallsPerMonth: row.quota.maxApiCallsPerMonth,
          maxInvoicesPerMonth: row.quota.maxInvoicesPerMonth,
          maxProducts: row.quota.maxProducts,
          maxProjects: row.quota.maxProjects,
          maxIntegrations: row.quota.maxIntegrations,
        }
      : null,
  };
}

/** Parses or throws a 422 naming each field; an unknown key is named itself, not "(body)". */
function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: FieldIssue[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      const prefix = issue.path.length ? `${issue.path.join(".")}.` : "";
      for (const key of issue.keys) issues.push({ field: `${prefix}${key}`, message: "This field cannot be set here" });
    } else issues.push(...zodIssues(new z.ZodError([issue])));
  }
  throw new ValidationError(issues);
}

// ---------------------------------------------------------------------------------------
// List

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => v || undefined);

export const listQuerySchema = z.object({
  search: optionalText(100),
  status: z.enum(TENANT_STATUSES, { error: `status must be one of: ${TENANT_STATUSES.join(", ")}` }).optional(),
  tier: z.enum(TIERS, { error: `tier must be one of: ${TIERS.join(", ")}` }).optional(),
  isolationLevel: z
    .enum(ISOLATION_LEVELS, { error: `isolationLevel must be one of: ${ISOLATION_LEVELS.join(", ")}` })
    .optional(),
  page: z.coerce
    .number({ error: "page must be a number" })
    .int("page must be a whole number")
    .min(1, "page must be 1 or more")
    .default(1),
  pageSize: z.coerce
    .number({ error: "pageSize must be a number" })
    .int("pageSize must be a whole number")
    .min(1, "pageSize must be between 1 and 100")
    .max(100, "pageSize must be between 1 and 100")
    .default(20),
});

export type AdminTenantListQuery = z.input<typeof listQuerySchema>;

/** Empty strings (an untouched filter in a form) count as absent; `level` is an alias of isolationLevel. */
export function listQueryFrom(
  params: URLSearchParams | Record<string, string | string[] | undefined>,
): AdminTenantListQuery {
  const get = (key: string): string | undefined => {
    const value = params instanceof URLSearchParams ? params.get(key) : params[key];
    const one = Array.isArray(value) ? value[0] : value;
    return one === null || one === undefined || one === "" ? undefined : one;
  };
  return {
    search: get("search") ?? get("q"),
    status: get("status") as AdminTenantListQuery["status"],
    tier: get("tier") as AdminTenantListQuery["tier"],
    isolationLevel: (get("isolationLevel") ?? get("level")) as AdminTenantListQuery["isolationLevel"],
    page: get("page"),
    pageSize: get("pageSize"),
  };
}

/**
 * Tenants by name (id as tiebreaker, so every row appears on exactly one page). Deleted
 * tenants are hidden unless the status filter asks for them.
 */
export async function listTenants(input: AdminTenantListQuery = {}): Promise<AdminTenantPage> {
  const query = parse(listQuerySchema, input);
  const where: Prisma.TenantWhereInput = {};
  if (query.status === "deleted") where.OR = [{ status: "deleted" }, { deletedAt: { not: null } }];
  else {
    where.deletedAt = null;
    if (query.status) where.status = query.status;
  }
  if (query.tier) where.tier = query.tier;
  if (query.isolationLevel) where.isolationLevel = query.isolationLevel;
  if (query.search) {
    const contains = { contains: query.search, mode: "insensitive" as const };
    where.AND = [{ OR: [{ name: contains }, { slug: contains }, { email: contains }, { legalName: contains }] }];
  }
  const db = await controlDb();
  const [total, rows] = await Promise.all([
    db.tenant.count({ where }),
    db.tenant.findMany({
      where,
      include: { plan: { select: { name: true } }, owner: { select: { email: true } } },
      orderBy: [{ name: "asc" }, { id: "asc" }],
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    }),
  ]);
  return {
    data: rows.map(toListItem),
    page: query.page,
    pageSize: query.pageSize,
    total,
    totalPages: Math.max(1, Math.ceil(total / query.pageSize)),
  };
}

// ---------------------------------------------------------------------------------------
// Get

async function findLive(db: Prisma.TransactionClient, id: string): Promise<DetailRow> {
  if (!isUuid(id)) throw new NotFoundError("Tenant");
  const row = await db.tenant.findUnique({ where: { id: id.toLowerCase() }, include: detailInclude });
  if (!row || row.deletedAt || row.status === "deleted") throw new NotFoundError("Tenant");
  return row;
}

/** One tenant; a soft-deleted tenant is a 404 like a missing one. */
export async function getTenant(id: string): Promise<AdminTenantDetail> {
  const db = await controlDb();
  return toDetail(await findLive(db, id));
}

// ---------------------------------------------------------------------------------------
// Create

export const createSchema = z.object({
  name: z.string().trim().min(1, "Enter the workspace name").max(255),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, "Enter a slug")
    .max(63, "At most 63 characters")
    .superRefine((slug, ctx) => {
      const problem = slugProblem(slug);
      if (problem === "format")
        ctx.addIssue({ code: "custom", message: "Use lower-case letters, digits and inner hyphens only" });
      if (problem === "reserved") ctx.addIssue({ code: "custom", message: "This name is reserved by the platform" });
    }),
  tier: z.enum(TIERS, { error: `tier must be one of: ${TIERS.join(", ")}` }).default("free"),
  ownerEmail: z.string().trim().toLowerCase().email("Enter a valid e-mail address").max(255),
  ownerName: optionalText(255),
  ownerPassword: z
    .string()
    .max(256)
    .optional()
    .transform((v) => v || undefined),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(255)
    .optional()
    .transform((v) => v || undefined)
    .pipe(z.string().email("Enter a valid e-mail address").optional()),
  /** The platform admin's override of the level the tier would pick. */
  isolationLevel: z
    .enum(ISOLATION_LEVELS, { error: `isolationLevel must be one of: ${ISOLATION_LEVELS.join(", ")}` })
    .optional(),
  /** Write-only: a database-level tenant's own server (stored encrypted, never returned). */
  databaseUrl: z.string().max(2000).optional(),
});

export type AdminTenantCreateInput = z.input<typeof createSchema>;

/** Provisioning did not finish; the tenant row (if any) is left as provisioning left it. */
export class ProvisioningFailedError extends DomainError {
  readonly status = 500;
  readonly type = "provisioning-failed";
  constructor(tenantId: string | null, failedStep: string | undefined, reason: string | undefined) {
    super(`Provisioning failed${failedStep ? ` at ${failedStep}` : ""}${reason ? `: ${reason}` : ""}`);
    this.extensions.tenantId = tenantId;
    if (failedStep) this.extensions.failedStep = failedStep;
  }
}

export async function createTenant(actor: PlatformActor, input: unknown): Promise<AdminTenantDetail> {
  const data = parse(createSchema, input);
  // provisionTenant checks the slug's availability (422 naming "slug"), and resumes a failed
  // run for the same slug and owner instead of refusing it.
  const result = await provisionTenant({
    name: data.name,
    slug: data.slug,
    tier: data.tier,
    ownerEmail: data.ownerEmail,
    ownerName: data.ownerName,
    ownerPassword: data.ownerPassword,
    email: data.email,
    isolationLevel: data.isolationLevel,
    databaseUrl: data.databaseUrl,
  });
  const { ownerPassword: _secret, databaseUrl: _url, ...logged } = data;
  void _secret;
  void _url;
  if (result.status !== "active") {
    await recordPlatformAudit(actor, {
      action: "tenant.provisioning_failed",
      targetType: "tenant",
      targetId: result.tenantId ?? null,
      data: { input: logged, failedStep: result.failedStep, reason: result.reason },
    });
    throw new ProvisioningFailedError(result.tenantId ?? null, result.failedStep, result.reason);
  }
  await recordPlatformAudit(actor, {
    action: "tenant.created",
    targetType: "tenant",
    targetId: result.tenantId,
    data: { after: logged },
  });
  await tenantDirectory().invalidateTenant({ id: result.tenantId, slug: data.slug });
  return getTenant(result.tenantId);
}

// ---------------------------------------------------------------------------------------
// Update

const nullableText = (max: number, message?: string) =>
  z
    .string()
    .trim()
    .max(max, message ?? `At most ${max} characters`)
    .nullable()
    .optional()
    .transform((v) => (v === undefined ? undefined : v || null));

export const updateSchema = z
  .object({
    name: z.string().trim().min(1, "Enter the workspace name").max(255).optional(),
    legalName: nullableText(255),
    email: z.string().trim().toLowerCase().email("Enter a valid e-mail address").max(255).optional(),
    phone: nullableText(50),
    addressLine1: nullableText(255),
    addressLine2: nullableText(255),
    city: nullableText(100),
    state: nullableText(100),
    postalCode: nullableText(20),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .nullable()
      .optional()
      .transform((v) => (v === undefined ? undefined : v || null))
      .pipe(
        z
          .string()
          .regex(/^[A-Z]{2}$/, "Use a two-letter country code (ISO 3166-1)")
          .nullable()
          .optional(),
      ),
    taxId: nullableText(50),
    vatNumber: nullableText(50),
    tier: z.enum(TIERS, { error: `tier must be one of: ${TIERS.join(", ")}` }).optional(),
    isolationLevel: z
      .enum(ISOLATION_LEVELS, { error: `isolationLevel must be one of: ${ISOLATION_LEVELS.join(", ")}` })
      .optional(),
    /** Write-only: with a move to "database", the tenant's own server. */
    databaseUrl: z.string().max(2000).optional(),
  })
  .strict();

export type AdminTenantUpdateInput = z.input<typeof updateSchema>;

const UPDATABLE = [
  "name",
  "legalName",
  "email",
  "phone",
  "addressLine1",
  "addressLine2",
  "city",
  "state",
  "postalCode",
  "country",
  "taxId",
  "vatNumber",
  "tier",
  "isolationLevel",
] as const;

type Updatable = (typeof UPDATABLE)[number];

export async function updateTenant(actor: PlatformActor, id: string, input: unknown): Promise<AdminTenantDetail> {
  const data = parse(updateSchema, input);
  const db = await controlDb();
  // Moving between isolation levels copies the data first (isolation/move.ts); the row's
  // level changes only when the copy is complete.
  if (data.databaseUrl !== undefined && data.isolationLevel === undefined) {
    throw new ValidationError([
      { field: "databaseUrl", message: "A connection string is given with a move to isolationLevel database" },
    ]);
  }
  if (data.isolationLevel !== undefined) {
    const current = await findLive(db, id);
    if (data.isolationLevel !== current.isolationLevel) {
      const moved = await moveTenant(current.id, data.isolationLevel, { databaseUrl: data.databaseUrl });
      await recordPlatformAudit(actor, {
        action: "tenant.isolation_moved",
        targetType: "tenant",
        targetId: current.id,
        data: { before: { isolationLevel: moved.from }, after: { isolationLevel: moved.to }, rows: moved.rows },
      });
    }
  }
  const changed = await db.$transaction(async (tx) => {
    const current = await findLive(tx, id);
    const before: Partial<Record<Updatable, unknown>> = {};
    const after: Partial<Record<Updatable, unknown>> = {};
    for (const key of UPDATABLE) {
      if (key === "isolationLevel") continue; // moved above
      const value = data[key];
      if (value === undefined || value === current[key]) continue;
      before[key] = current[key];
      after[key] = value;
    }
    if (Object.keys(after).length === 0) return false;

    if (after.tier !== undefined) {
      const plan = await tx.subscriptionPlan.findUnique({ where: { tier: after.tier as string } });
      if (!plan || !plan.isActive) {
        const issue: FieldIssue = {
          field: "tier",
          message: `There is no active plan for the ${String(after.tier)} tier`,
        };
        throw new ValidationError([issue]);
      }
      const limits = {
        maxUsers: plan.maxUsers,
        maxStorageMb: plan.maxStorageMb,
        maxApiCallsPerMonth: plan.maxApiCalls,
        maxInvoicesPerMonth: plan.maxInvoices,
        maxProducts: plan.maxProducts,
        maxProjects: plan.maxProjects,
        maxIntegrations: plan.maxIntegrations,
      };
      await tx.tenantQuota.upsert({
        where: { tenantId: current.id },
        update: limits,
        create: { tenantId: current.id, ...limits },
      });
    }
    await tx.tenant.update({ where: { id: current.id }, data: after as Prisma.TenantUncheckedUpdateInput });
    await recordPlatformAudit(
      actor,
      {
        action: "tenant.updated",
        targetType: "tenant",
        targetId: current.id,
        data: { before, after },
      },
      tx,
    );
    return true;
  });
  const tenantId = id.toLowerCase();
  if (changed) await tenantDirectory().invalidateTenant(tenantId);
  return getTenant(tenantId);
}

// ---------------------------------------------------------------------------------------
// Status changes

export const suspendSchema = z.object({
  reason: z
    .string({ error: "Give a reason for the suspension" })
    .trim()
    .min(1, "Give a reason for the suspension")
    .max(1000, "At most 1000 characters"),
});

export async function suspendTenant(actor: PlatformActor, id: string, input: unknown): Promise<AdminTenantDetail> {
  const { reason } = parse(suspendSchema, input ?? {});
  const db = await controlDb();
  const tenantId = await db.$transaction(async (tx) => {
    const current = await findLive(tx, id);
    if (current.status === "suspended") throw new ConflictError("The tenant is already suspended", "status");
    if (current.status !== "active")
      throw new ConflictError(`A ${current.status} tenant cannot be suspended`, "status");
    await tx.tenant.update({
      where: { id: current.id },
      data: { status: "suspended", suspendedAt: new Date(), suspendedReason: reason },
    });
    await recordPlatformAudit(
      actor,
      {
        action: "tenant.suspended",
        targetType: "tenant",
        targetId: current.id,
        data: { reason, before: { status: current.status }, after: { status: "suspended" } },
      },
      tx,
    );
    return current.id;
  });
  await tenantDirectory().invalidateTenant(tenantId);
  return getTenant(tenantId);
}

export async function activateTenant(actor: PlatformActor, id: string): Promise<AdminTenantDetail> {
  const db = await controlDb();
  const tenantId = await db.$transaction(async (tx) => {
    const current = await findLive(tx, id);
    if (current.status === "active") throw new ConflictError("The tenant is already active", "status");
    // A pending or failed tenant is finished by provisioning, not switched on half-built.
    if (current.status !== "suspended" && current.status !== "cancelled")
      throw new ConflictError(`A ${current.status} tenant cannot be activated here`, "status");
    await tx.tenant.update({
      where: { id: current.id },
      data: { status: "active", suspendedAt: null, suspendedReason: null },
    });
    await recordPlatformAudit(
      actor,
      {
        action: "tenant.activated",
        targetType: "tenant",
        targetId: current.id,
        data: {
          before: { status: current.status, suspendedReason: current.suspendedReason },
          after: { status: "active" },
        },
      },
      tx,
    );
    return current.id;
  });
  await tenantDirectory().invalidateTenant(tenantId);
  return getTenant(tenantId);
}

/** Soft delete: status "deleted" and deleted_at; the tenant then resolves as unknown everywhere. */
export async function softDeleteTenant(
  actor: PlatformActor,
  id: string,
): Promise<{ id: string; status: "deleted"; deletedAt: string }> {
  const db = await controlDb();
  const deletedAt = new Date();
  const tenant = await db.$transaction(async (tx) => {
    const current = await findLive(tx, id);
    await tx.tenant.update({ where: { id: current.id }, data: { status: "deleted", deletedAt } });
    await recordPlatformAudit(
      actor,
      {
        action: "tenant.deleted",
        targetType: "tenant",
        targetId: current.id,
        data: { before: { status: current.status }, after: { status: "deleted", deletedAt } },
      },
      tx,
    );
    return current;
  });
  await tenantDirectory().invalidateTenant({
    id: tenant.id,
    slug: tenant.slug,
    domains: tenant.domains.map((d) => d.domain),
  });
  return { id: tenant.id, status: "deleted", deletedAt: deletedAt.toISOString() };
}

/** The plans an admin may put a tenant on (for the forms). */
export async function activePlans(): Promise<{ tier: string; name: string }[]> {
  const db = await controlDb();
  return db.subscriptionPlan.findMany({
    where: { isActive: true },
    orderBy: { displayOrder: "asc" },
    select: { tier: true, name: true },
  });
}
