import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { hashPassword } from "@/lib/auth/passwords";
import { controlDb, type ControlClient } from "@/lib/db/control";
import { Prisma } from "@/lib/generated/control/client";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/http/errors";
import { runInTenantContext, type ContextTenant, type IsolationLevel } from "./context";
import { tenantDirectory } from "./directory-instance";
import {
  parseStepRecords,
  PROVISIONING_STEPS,
  type ProvisioningStatus,
  type StepName,
  type StepRecord,
  type StepRecords,
} from "./provisioning-steps";
import { encryptDatabaseUrl, parseDatabaseUrl } from "./isolation/database-url";
import { databaseNameFor, dropTenantPlane, provisionTenantPlane } from "./isolation/planes";
import { schemaNameFor } from "./isolation/strategy";
import { slugProblem } from "./reserved";
import { tenantTransaction } from "./scoped-client";

export { PROVISIONING_STEPS, type StepName } from "./provisioning-steps";

/**
 * Tenant provisioning: the one way a tenant is created. An idempotent, resumable state
 * machine over the steps in provisioning-steps.ts:
 *
 *   reserve → owner → resources → settings → quotas → subscription → features →
 *   membership → sample_data → activate
 *
 * - `reserve` validates the request and inserts the tenant row (status "pending"); every
 *   later step runs with status "provisioning".
 * - Each completed step is recorded with its time in tenants.provisioning_steps; a run
 *   skips recorded steps and redoes the rest. Every step is itself idempotent (upserts on
 *   unique keys, rows with ids derived from the tenant id), so a crash after a step's work
 *   but before its record — the worst case — is repaired by simply running it again.
 * - A step that throws marks the tenant "failed" with the step and the reason; the
 *   partial rows are kept so `resumeProvisioning` can finish the job, and
 *   `cleanupFailedTenant` removes them (tenant-plane rows through the scoped client in the
 *   tenant's context, control rows by cascade from the tenant row, and an owner account
 *   created by this run that belongs to nothing else).
 *
 * Isolation: `resources` creates what the tenant's level needs (isolation/planes.ts): nothing
 * for the shared tables, schema t_<id> for "schema", database t_<id> (from a template where
 * the server allows) for "database", each migrated to the current tenant-plane version.
 */

export interface ProvisionInput {
  name: string;
  slug: string;
  tier: string;
  ownerEmail: string;
  ownerName?: string;
  /** A new owner's password; ignored (never overwritten) when the e-mail already has an account. */
  ownerPassword?: string;
  /** The tenant's contact e-mail; the owner's by default. */
  email?: string;
  /** A platform admin's choice of isolation level; by default the tier picks it. */
  isolationLevel?: IsolationLevel;
  /** With level "database": the tenant's own server (stored encrypted). */
  databaseUrl?: string;
}

export interface ProvisionResult {
  tenantId: string;
  status: "active" | "failed";
  failedStep?: string;
  reason?: string;
}

export interface ProvisionOptions {
  /**
   * Test hook: stop at this step after its work and before it is recorded.
   * With `failMode` "error" (default) the run records status "failed"; with "crash" it
   * throws ProvisioningCrash without writing anything more, as if the process had died.
   */
  failAt?: StepName;
  failMode?: "error" | "crash";
  /** Remove the partial tenant when a step fails (default: keep it so it can be resumed). */
  cleanupOnFailure?: boolean;
}

/** Thrown by the `failMode: "crash"` test hook: simulates the process dying mid-step. */
export class ProvisioningCrash extends Error {
  constructor(
    readonly tenantId: string,
    readonly step: StepName,
  ) {
    super(`Injected crash at provisioning step "${step}"`);
    this.name = "ProvisioningCrash";
  }
}

/** The injected failure of `failMode: "error"`. */
export class InjectedStepFailure extends Error {
  constructor(readonly step: StepName) {
    super(`Injected failure at provisioning step "${step}"`);
    this.name = "InjectedStepFailure";
  }
}

/** What `reserve` keeps for later steps (cleared on activation). */
interface StoredInput {
  ownerEmail: string;
  ownerName: string | null;
  passwordHash: string | null;
  /** Whether the owner's account existed at reservation (then it is never changed or removed). */
  ownerExisted: boolean;
}

const inputSchema = z.object({
  name: z.string().trim().min(1, "Enter the company name").max(255),
  slug: z.string().trim().toLowerCase().min(1, "Choose an address").max(63, "Use at most 63 characters"),
  tier: z.string().trim().toLowerCase().min(1).max(50),
  ownerEmail: z.string().trim().toLowerCase().email("Enter a valid e-mail address").max(255),
  ownerName: z.string().trim().max(255).optional(),
  ownerPassword: z.string().min(1).max(256).optional(),
  email: z.string().trim().toLowerCase().email("Enter a valid e-mail address").max(255).optional(),
  isolationLevel: z
    .enum(["shared_database", "schema", "database"], {
      error: "isolationLevel must be one of: shared_database, schema, database",
    })
    .optional(),
});

export const SLUG_MESSAGES = {
  format: "Use 1–63 lower-case letters, digits or inner hyphens (no leading or trailing hyphen).",
  reserved: "This address is reserved.",
  taken: "This address is already taken.",
} as const;

export type SlugAvailability =
  | { slug: string; available: true; problem: null }
  | { slug: string; available: false; problem: "format" | "reserved" | "taken"; message: string };

/** Live check for the signup form: format, reserved names, then the database. */
export async function checkSlug(raw: string): Promise<SlugAvailability> {
  const slug = raw.trim().toLowerCase();
  const problem = slugProblem(slug);
  if (problem) return { slug, available: false, problem, message: SLUG_MESSAGES[problem] };
  const db = await controlDb();
  const taken = await db.tenant.findUnique({ where: { slug }, select: { id: true } });
  if (taken) return { slug, available: false, problem: "taken", message: SLUG_MESSAGES.taken };
  return { slug, available: true, problem: null };
}

// One run per tenant per process: a second caller waits for the first and shares its result.
const RUNS_KEY = Symbol.for("logiaccounting.provisioning-runs");
type RunsHolder = { [RUNS_KEY]?: Map<string, Promise<ProvisionResult>> };
const runs = ((globalThis as RunsHolder)[RUNS_KEY] ??= new Map());

/**
 * Creates a tenant with everything its plan includes. Resolves "active", or "failed" with
 * the step and reason. Invalid input (slug format, reserved or taken, unknown plan, …)
 * throws ValidationError naming the field before anything is written. Calling it again
 * with the same slug and owner e-mail resumes (or returns) that tenant instead of failing.
 */
export async function provisionTenant(input: ProvisionInput, options: ProvisionOptions = {}): Promise<ProvisionResult> {
  const tenantId = await reserveTenant(input, options);
  if (options.failAt === "reserve" && options.failMode !== "crash") {
    if (options.cleanupOnFailure) await cleanupFailedTenant(tenantId);
    return { tenantId, status: "failed", failedStep: "reserve", reason: new InjectedStepFailure("reserve").message };
  }
  return resumeProvisioning(tenantId, options);
}

/**
 * Step `reserve` alone: validates and inserts the pending tenant row, returning its id
 * (for callers that run the remaining steps in the background and show progress).
 */
export async function reserveTenant(input: ProvisionInput, options: ProvisionOptions = {}): Promise<string> {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((issue) => ({ field: String(issue.path[0] ?? "input"), message: issue.message })),
    );
  }
  const data = parsed.data;
  const problem = slugProblem(data.slug);
  if (problem) throw new ValidationError([{ field: "slug", message: SLUG_MESSAGES[problem] }]);
  const ownDatabaseUrl = input.databaseUrl === undefined ? undefined : parseDatabaseUrl(input.databaseUrl);

  const db = await controlDb();
  const plan = await db.subscriptionPlan.findUnique({ where: { tier: data.tier } });
  if (!plan || !plan.isActive) throw new ValidationError([{ field: "tier", message: "Choose an available plan." }]);

  const existing = await db.tenant.findUnique({ where: { slug: data.slug } });
  if (existing) {
    // The same request again (same slug, same owner): resume it rather than refuse it.
    const reserve = parseStepRecords(existing.provisioningSteps).reserve;
    if (reserve?.ownerEmail === data.ownerEmail && existing.tier === data.tier && !existing.deletedAt)
      return existing.id;
    throw new ValidationError([{ field: "slug", message: SLUG_MESSAGES.taken }]);
  }

  const level = data.isolationLevel ?? isolationLevelFor(plan.tier);
  if (ownDatabaseUrl && level !== "database") {
    throw new ValidationError([
      { field: "databaseUrl", message: "A connection string applies to the database level only" },
    ]);
  }
  const tenantId = randomUUID();
  const ownerExisted = !!(await db.user.findUnique({ where: { email: data.ownerEmail }, select: { id: true } }));
  const stored: StoredInput = {
    ownerEmail: data.ownerEmail,
    ownerName: data.ownerName || null,
    ownerExisted,
    // Only hashed, and only when the account does not exist yet (an existing one is never changed).
    passwordHash: data.ownerPassword && !ownerExisted ? await hashPassword(data.ownerPassword) : null,
  };
  const at = new Date().toISOString();
  try {
    await db.tenant.create({
      data: {
        id: tenantId,
        slug: data.slug,
        name: data.name,
        email: data.email ?? data.ownerEmail,
        tier: plan.tier,
        status: "pending",
        isolationLevel: level,
        databaseUrlEncrypted: ownDatabaseUrl ? encryptDatabaseUrl(ownDatabaseUrl, tenantId) : null,
        provisioningInput: stored as unknown as Prisma.InputJsonValue,
        // reserve's own record is written by the insert, unless a crash is injected here.
        provisioningSteps:
          options.failAt === "reserve"
            ? {}
            : { reserve: { at, slug: data.slug, tier: plan.tier, ownerEmail: data.ownerEmail } },
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ValidationError([{ field: "slug", message: SLUG_MESSAGES.taken }]);
    throw error;
  }
  await tenantDirectory().invalidateTenant({ id: tenantId, slug: data.slug });
  if (options.failAt === "reserve") {
    if (options.failMode === "crash") throw new ProvisioningCrash(tenantId, "reserve");
    await markFailed(db, tenantId, "reserve", new InjectedStepFailure("reserve"));
  }
  return tenantId;
}

/** Runs every step not yet recorded; "failed" and interrupted tenants complete from where they stopped. */
export function resumeProvisioning(tenantId: string, options: ProvisionOptions = {}): Promise<ProvisionResult> {
  const running = runs.get(tenantId);
  if (running) return running;
  const run = runSteps(tenantId, options).finally(() => runs.delete(tenantId));
  runs.set(tenantId, run);
  return run;
}

/** Current provisioning state, for the status API and the signup page. */
export async function provisioningState(tenantId: string): Promise<{
  tenantId: string;
  slug: string;
  status: string;
  steps: StepRecords;
  failedStep: string | null;
  reason: string | null;
} | null> {
  const db = await controlDb();
  const tenant = await db.tenant.findUnique({ where: { id: tenantId } });
  if (!tenant) return null;
  return {
    tenantId: tenant.id,
    slug: tenant.slug,
    status: tenant.status,
    steps: parseStepRecords(tenant.provisioningSteps),
    failedStep: tenant.provisioningFailedStep,
    reason: tenant.provisioningError,
  };
}

async function runSteps(tenantId: string, options: ProvisionOptions): Promise<ProvisionResult> {
  const db = await controlDb();
  const tenant = await db.tenant.findUnique({ where: { id: tenantId } });
  if (!tenant) throw new NotFoundError("Tenant");
  if (tenant.status === "active") {
    // Interrupted between activation and its record: complete the record.
    const done = parseStepRecords(tenant.provisioningSteps);
    if (done.reserve && !done.activate) await recordStep(db, tenantId, "activate", {});
    return { tenantId, status: "active" };
  }
  if (!["pending", "provisioning", "failed"].includes(tenant.status)) {
    throw new ConflictError(`A ${tenant.status} tenant cannot be provisioned`);
  }
  await db.tenant.update({
    where: { id: tenantId },
    data: { status: "provisioning", provisioningFailedStep: null, provisioningError: null },
  });

  let records = parseStepRecords(tenant.provisioningSteps);
  for (const step of PROVISIONING_STEPS) {
    if (records[step]) continue;
    try {
      if (CONTROL_ONLY_STEPS.has(step)) {
        // The step's writes and its record commit together: one commit (one disk flush) per
        // step, and no window where the work is done but not recorded.
        records = await db.$transaction(async (tx) => {
          const detail = await STEPS[step](tx as ControlClient, tenantId, records);
          injectFailure(options, tenantId, step);
          return recordStep(tx as ControlClient, tenantId, step, detail);
        });
      } else {
        const detail = await STEPS[step](db, tenantId, records);
        injectFailure(options, tenantId, step);
        records = await recordStep(db, tenantId, step, detail);
      }
    } catch (error) {
      if (error instanceof ProvisioningCrash) throw error;
      const reason = await markFailed(db, tenantId, step, error);
      if (options.cleanupOnFailure) await removePartialTenant(tenantId);
      return { tenantId, status: "failed", failedStep: step, reason };
    }
  }
  return { tenantId, status: "active" };
}

/**
 * Steps that touch only control-plane rows, so they can run in one control transaction with
 * their record. Not `resources` (CREATE DATABASE cannot run in a transaction), `sample_data`
 * (a tenant-plane transaction: on PGlite's single connection it would wait for this one) or
 * `activate` (it invalidates caches, which must see the committed row).
 */
const CONTROL_ONLY_STEPS = new Set<StepName>(["owner", "settings", "quotas", "subscription", "features", "membership"]);

/** The test hook of ProvisionOptions: fail or "crash" after the step's work, before its record. */
function injectFailure(options: ProvisionOptions, tenantId: string, step: StepName): void {
  if (options.failAt !== step) return;
  if (options.failMode === "crash") throw new ProvisioningCrash(tenantId, step);
  throw new InjectedStepFailure(step);
}

/** Records a completed step; jsonb `||` merges it, so concurrent records never drop each other. */
async function recordStep(
  db: ControlClient,
  tenantId: string,
  step: StepName,
  detail: Record<string, unknown>,
): Promise<StepRecords> {
  const record: StepRecord = { ...detail, at: new Date().toISOString() };
  const rows = await db.$queryRaw<Array<{ provisioning_steps: unknown }>>`
    UPDATE tenants
       SET provisioning_steps = provisioning_steps || jsonb_build_object(${step}::text, ${JSON.stringify(record)}::jsonb),
           updated_at = now()
     WHERE id = ${tenantId}::uuid
 RETURNING provisioning_steps`;
  return parseStepRecords(rows[0]?.provisioning_steps);
}

async function markFailed(db: ControlClient, tenantId: string, step: StepName, error: unknown): Promise<string> {
  const reason = (error instanceof Error ? error.message : String(error)).slice(0, 2000) || "Unknown error";
  if (!(error instanceof InjectedStepFailure)) console.error(`[provisioning] ${tenantId} failed at ${step}`, error);
  await db.tenant.update({
    where: { id: tenantId },
    data: { status: "failed", provisioningFailedStep: step, provisioningError: reason },
  });
  return reason;
}

/**
 * The level a tier gets (DESIGN.md, hybrid): Free, Standard and Professional share the
 * tables, Business gets a schema of its own, Enterprise a database of its own. A platform
 * admin may choose another level per tenant.
 */
export function isolationLevelFor(tier: string): IsolationLevel {
  if (tier === "enterprise") return "database";
  if (tier === "business") return "schema";
  return "shared_database";
}

type Step = (db: ControlClient, tenantId: string, records: StepRecords) => Promise<Record<string, unknown>>;

async function loadTenant(db: ControlClient, tenantId: string) {
  return db.tenant.findUniqueOrThrow({ where: { id: tenantId }, include: { plan: true } });
}

function storedInput(raw: unknown): StoredInput | null {
  if (!raw || typeof raw !== "object") return null;
  const value = raw as Partial<StoredInput>;
  if (typeof value.ownerEmail !== "string") return null;
  return {
    ownerEmail: value.ownerEmail,
    ownerName: value.ownerName ?? null,
    passwordHash: value.passwordHash ?? null,
    ownerExisted: value.ownerExisted !== false,
  };
}

const STEPS: Record<StepName, Step> = {
  // Done by reserveTenant; reached here only when a crash was injected before its record.
  async reserve(db, tenantId) {
    const tenant = await loadTenant(db, tenantId);
    const input = storedInput(tenant.provisioningInput);
    return { slug: tenant.slug, tier: tenant.tier, ownerEmail: input?.ownerEmail ?? tenant.email };
  },

  async owner(db, tenantId) {
    const tenant = await loadTenant(db, tenantId);
    const input = storedInput(tenant.provisioningInput);
    if (!input) throw new Error("The provisioning request (owner e-mail) is missing");
    const existing = await db.user.findUnique({ where: { email: input.ownerEmail } });
    // An existing account is used as it is: its password and name are never overwritten.
    const user =
      existing ??
      (await db.user.upsert({
        where: { email: input.ownerEmail },
        update: {},
        create: { email: input.ownerEmail, name: input.ownerName, passwordHash: input.passwordHash },
      }));
    // Created by this provisioning (so cleanup may remove it): absent at reservation, and the
    // row is the one a previous, interrupted run of this step inserted (same password hash).
    const created =
      !input.ownerExisted &&
      (!existing ||
        (input.passwordHash ? existing.passwordHash === input.passwordHash : existing.createdAt >= tenant.createdAt));
    await db.tenant.update({ where: { id: tenantId }, data: { ownerId: user.id } });
    return { userId: user.id, created };
  },

  async resources(db, tenantId) {
    const tenant = await loadTenant(db, tenantId);
    const level = tenant.isolationLevel as IsolationLevel;
    // Idempotent: an existing schema / database is migrated, never recreated.
    const result = await provisionTenantPlane({ id: tenant.id, isolationLevel: level });
    await db.tenant.update({
      where: { id: tenantId },
      data: {
        schemaName: level === "schema" ? schemaNameFor(tenant.id) : null,
        databaseName: level === "database" ? databaseNameFor(tenant.id) : null,
      },
    });
    return {
      level,
      created: result.created,
      method: result.method,
      migrations: { plane: "tenant", version: result.migrations.version, applied: result.migrations.applied },
    };
  },

  async settings(db, tenantId) {
    const tenant = await loadTenant(db, tenantId);
    await db.tenantSettings.upsert({
      where: { tenantId },
      update: {},
      create: { tenantId, emailFromName: tenant.name },
    });
    return {};
  },

  async quotas(db, tenantId) {
    const { plan } = await loadTenant(db, tenantId);
    const limits = {
      maxUsers: plan.maxUsers,
      maxStorageMb: plan.maxStorageMb,
      maxApiCallsPerMonth: plan.maxApiCalls,
      maxInvoicesPerMonth: plan.maxInvoices,
      maxProducts: plan.maxProducts,
      maxProjects: plan.maxProjects,
      maxIntegrations: plan.maxIntegrations,
    };
    await db.tenantQuota.upsert({
      where: { tenantId },
      update: limits,
      create: { tenantId, ...limits, lastResetAt: new Date() },
    });
    return { plan: plan.id };
  },

  async subscription(db, tenantId) {
    const { plan } = await loadTenant(db, tenantId);
    const now = new Date();
    const periodEnd = new Date(now);
    periodEnd.setMonth(periodEnd.getMonth() + 1);
    const id = derivedId(tenantId, "subscription");
    await db.tenantSubscription.upsert({
      where: { id },
      update: {},
      create: {
        id,
        tenantId,
        planId: plan.id,
        planName: plan.name,
        priceAmount: plan.priceMonthly ?? 0,
        priceCurrency: plan.currency,
        status: "active",
        currentPeriodStart: now,
        currentPeriodEnd: periodEnd,
      },
    });
    return { subscriptionId: id, plan: plan.id };
  },

  // The plan's features apply through the plan itself (tenants.tier → subscription_plans.features),
  // so a tier change takes effect at once; tenant_features holds only per-tenant overrides, and a
  // new tenant has none. The step records which features the plan gave it.
  async features(db, tenantId) {
    const { plan } = await loadTenant(db, tenantId);
    const features = planFeatures(plan.features);
    return { source: "plan", plan: plan.id, enabled: Object.keys(features).filter((k) => features[k]) };
  },

  async membership(db, tenantId) {
    const tenant = await loadTenant(db, tenantId);
    if (!tenant.ownerId) throw new Error("The tenant has no owner");
    await db.membership.upsert({
      where: { tenantId_userId: { tenantId, userId: tenant.ownerId } },
      update: { role: "owner" },
      create: { tenantId, userId: tenant.ownerId, role: "owner" },
    });
    const members = await db.membership.count({ where: { tenantId } });
    await db.tenantQuota.updateMany({ where: { tenantId }, data: { currentUsers: members } });
    return { userId: tenant.ownerId, role: "owner" };
  },

  async sample_data(db, tenantId) {
    const tenant = await loadTenant(db, tenantId);
    const settings = await db.tenantSettings.findUnique({ where: { tenantId } });
    const currency = settings?.defaultCurrency ?? "USD";
    const counts = await inTenant(contextTenant(tenant), () =>
      tenantTransaction(async (tx) => {
        await tx.customer.createMany({
          data: SAMPLE_CUSTOMERS.map((c, i) => ({ id: derivedId(tenantId, `sample-customer-${i}`), ...c })),
          skipDuplicates: true,
        });
        await tx.product.createMany({
          data: SAMPLE_PRODUCTS.map((p, i) => ({ id: derivedId(tenantId, `sample-product-${i}`), ...p, currency })),
          skipDuplicates: true,
        });
        return { customers: await tx.customer.count(), products: await tx.product.count() };
      }),
    );
    await db.tenantQuota.updateMany({ where: { tenantId }, data: { currentProducts: counts.products } });
    return counts;
  },

  async activate(db, tenantId) {
    const tenant = await db.tenant.update({
      where: { id: tenantId },
      data: { status: "active", provisionedAt: new Date(), provisioningInput: Prisma.DbNull },
    });
    await tenantDirectory().invalidateTenant({ id: tenantId, slug: tenant.slug });
    return {};
  },
};

const SAMPLE_CUSTOMERS = [
  { name: "Sample Customer Ltd", email: "billing@sample-customer.example", notes: "Sample record: edit or delete it." },
  { name: "Example Trading Co", email: "accounts@example-trading.example", notes: "Sample record: edit or delete it." },
];

const SAMPLE_PRODUCTS = [
  { sku: "SAMPLE-HOUR", name: "Consulting hour (sample)", priceMinor: 10_000, stock: 0 },
  { sku: "SAMPLE-MONTHLY", name: "Monthly bookkeeping (sample)", priceMinor: 45_000, stock: 0 },
];

function planFeatures(raw: unknown): Record<string, boolean> {
  const features: Record<string, boolean> = {};
  if (raw && typeof raw === "object" && !Array.isArray(raw)) {
    for (const [key, value] of Object.entries(raw)) features[key] = value === true;
  }
  return features;
}

function contextTenant(tenant: {
  id: string;
  slug: string;
  tier: string;
  isolationLevel: string;
  schemaName: string | null;
  databaseName: string | null;
  plan: { features: unknown };
}): ContextTenant {
  return {
    id: tenant.id,
    slug: tenant.slug,
    tier: tenant.tier,
    isolationLevel: tenant.isolationLevel as IsolationLevel,
    features: planFeatures(tenant.plan.features),
    schemaName: tenant.schemaName,
    databaseName: tenant.databaseName,
  };
}

function inTenant<T>(tenant: ContextTenant, fn: () => Promise<T>): Promise<T> {
  return runInTenantContext({ tenant, actor: { type: "system", reason: "provisioning" } }, fn);
}

/**
 * Removes a failed (or abandoned pending) tenant's partial resources: its tenant-plane
 * rows (through the scoped client, in its context), its control rows (cascade from the
 * tenant row) and an owner account this provisioning created that belongs to nothing
 * else. The slug is free again afterwards. Active tenants are refused.
 */
export async function cleanupFailedTenant(tenantId: string): Promise<{ deleted: boolean; ownerDeleted: boolean }> {
  if (runs.has(tenantId)) throw new ConflictError("Provisioning of this tenant is still running");
  return removePartialTenant(tenantId);
}

async function removePartialTenant(tenantId: string): Promise<{ deleted: boolean; ownerDeleted: boolean }> {
  const db = await controlDb();
  const tenant = await db.tenant.findUnique({ where: { id: tenantId }, include: { plan: true } });
  if (!tenant) return { deleted: false, ownerDeleted: false };
  if (!["failed", "pending", "provisioning"].includes(tenant.status)) {
    throw new ConflictError(`A ${tenant.status} tenant is not a failed provisioning`);
  }
  const level = tenant.isolationLevel as IsolationLevel;
  // A schema or database of its own goes entirely; shared rows are deleted one by one.
  if (level !== "shared_database") await dropTenantPlane({ id: tenant.id, isolationLevel: level });
  else
    await inTenant(contextTenant(tenant), () =>
      tenantTransaction(async (tx) => {
        await tx.invoiceLine.deleteMany({});
        await tx.invoice.deleteMany({});
        await tx.project.deleteMany({});
        await tx.product.deleteMany({});
        await tx.customer.deleteMany({});
        // audit_events is append-only for the app role, and provisioning writes none.
      }),
    );

  const owner = parseStepRecords(tenant.provisioningSteps).owner;
  await db.tenant.delete({ where: { id: tenantId } });
  await tenantDirectory().invalidateTenant({ id: tenantId, slug: tenant.slug });

  let ownerDeleted = false;
  const ownerId = typeof owner?.userId === "string" ? owner.userId : null;
  if (ownerId && owner?.created === true) {
    const { count } = await db.user.deleteMany({
      where: { id: ownerId, platformRole: null, memberships: { none: {} }, ownedTenants: { none: {} } },
    });
    ownerDeleted = count > 0;
  }
  return { deleted: true, ownerDeleted };
}

/** Status a caller may show: the stored status narrowed to the provisioning vocabulary. */
export function provisioningStatusOf(status: string): ProvisioningStatus | "other" {
  return status === "pending" || status === "provisioning" || status === "active" || status === "failed"
    ? status
    : "other";
}

/** A stable UUID derived from a tenant id and a name, so re-runs upsert the same rows. */
export function derivedId(tenantId: string, name: string): string {
  const hex = createHash("sha256").update(`${tenantId}:${name}`).digest("hex");
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
