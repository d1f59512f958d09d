import { beforeAll, describe, expect, it } from "vitest";
import { withDemoDatabase } from "../support/demo-database";

/**
 * The tenant's accounting services against a real (PGlite) database seeded with the demo
 * tenants: acme (professional), globex (free), initech (business).
 */

type Customers = typeof import("@/lib/accounting/customers");
type Invoices = typeof import("@/lib/accounting/invoices");
type Products = typeof import("@/lib/accounting/products");
type Projects = typeof import("@/lib/accounting/projects");
type Audit = typeof import("@/lib/accounting/audit");
type Reports = typeof import("@/lib/accounting/reports");
type Errors = typeof import("@/lib/http/errors");
type Context = typeof import("@/lib/tenancy/context");

let customers: Customers;
let invoices: Invoices;
let products: Products;
let projects: Projects;
let audit: Audit;
let reports: Reports;
let errors: Errors;
let context: Context;
const tenants: Record<string, { id: string; slug: string; tier: string; features: Record<string, boolean> }> = {};
const ALICE = "00000000-0000-4000-8000-00000000a11c";

withDemoDatabase("accounting-test");

beforeAll(async () => {
  const { findActiveTenantBySlug } = await import("@/lib/tenancy/tenants");
  for (const slug of ["acme", "globex", "initech"]) {
    const t = await findActiveTenantBySlug(slug);
    if (!t) throw new Error(`demo tenant ${slug} missing`);
    tenants[slug] = { id: t.id, slug: t.slug, tier: t.tier, features: t.features };
  }
  customers = await import("@/lib/accounting/customers");
  invoices = await import("@/lib/accounting/invoices");
  products = await import("@/lib/accounting/products");
  projects = await import("@/lib/accounting/projects");
  audit = await import("@/lib/accounting/audit");
  reports = await import("@/lib/accounting/reports");
  errors = await import("@/lib/http/errors");
  context = await import("@/lib/tenancy/context");
});

function as<T>(slug: string, fn: () => Promise<T>, role: "owner" | "member" = "owner"): Promise<T> {
  const t = tenants[slug];
  return context.runInTenantContext(
    {
      tenant: { id: t.id, slug: t.slug, tier: t.tier, isolationLevel: "shared_database", features: t.features },
      actor: { type: "user", userId: ALICE, role },
    },
    fn,
  );
}

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection");
}

function fields(error: unknown): string[] {
  expect(error).toBeInstanceOf(errors.ValidationError);
  return (error as InstanceType<Errors["ValidationError"]>).issues.map((i) => i.field);
}

const acme = <T>(fn: () => Promise<T>) => as("acme", fn);

async function newCustomer(slug = "acme", name = "Test Customer") {
  return as(slug, () => customers.createCustomer({ name, email: "test@example.test" }));
}

describe("customers", () => {
  it("creates, reads, updates and deletes a customer, each change audited with before/after", async () => {
    const created = await newCustomer("acme", "Wayne Enterprises");
    expect(created).toMatchObject({ name: "Wayne Enterprises", email: "test@example.test" });
    expect(await acme(() => customers.getCustomer(created.id))).toEqual(created);

    const updated = await acme(() => customers.updateCustomer(created.id, { city: "Gotham", country: "us" }));
    expect(updated).toMatchObject({ city: "Gotham", country: "US", name: "Wayne Enterprises" });

    await acme(() => customers.deleteCustomer(created.id));
    expect(await failure(acme(() => customers.getCustomer(created.id)))).toBeInstanceOf(errors.NotFoundError);

    const trail = await as(
      "acme",
      () => audit.listAuditEvents({ entityId: created.id, sort: "createdAt" }),
      "owner",
    ).catch((e: unknown) => e);
    // acme (professional) has no audit trail view: the feature gate answers.
    expect(trail).toBeInstanceOf(errors.FeatureNotAvailableError);
  });

  it("writes the audit event in the tenant plane with actor, action and before/after", async () => {
    const c = await as("initech", () => customers.createCustomer({ name: "Audit Me" }));
    await as("initech", () => customers.updateCustomer(c.id, { name: "Audited" }));
    const { data } = await as("initech", () => audit.listAuditEvents({ entityId: c.id, sort: "createdAt" }));
    expect(data.map((e) => e.action)).toEqual(["customer.created", "customer.updated"]);
    expect(data[0]).toMatchObject({ actorType: "user", actorId: ALICE, entityType: "customer", before: null });
    expect(data[0].after).toMatchObject({ name: "Audit Me" });
    expect(data[1].before).toMatchObject({ name: "Audit Me" });
    expect(data[1].after).toMatchObject({ name: "Audited" });
    // Another tenant never sees it.
    const { data: acmeView } = await as("initech", () => audit.listAuditEvents({ entityId: "nope" }));
    expect(acmeView).toEqual([]);
  });

  it("validation errors name the field; nothing is written", async () => {
    const error = await failure(
      acme(() => customers.createCustomer({ name: "  ", email: "not-an-email", country: "USA" })),
    );
    expect(fields(error).sort()).toEqual(["country", "email", "name"]);
    const wrongType = await failure(acme(() => customers.createCustomer({ name: 42 } as never)));
    expect(fields(wrongType)).toEqual(["name"]);
  });

  it("another tenant's id and a malformed id both answer NotFound, for read, update and delete", async () => {
    const globexCustomer = await newCustomer("globex", "Globex Only");
    for (const op of [
      () => customers.getCustomer(globexCustomer.id),
      () => customers.updateCustomer(globexCustomer.id, { name: "hijacked" }),
      () => customers.deleteCustomer(globexCustomer.id),
      () => customers.getCustomer("not-a-uuid"),
      () => customers.getCustomer("'; DROP TABLE customers; --"),
    ])
      expect(await failure(acme(op as () => Promise<unknown>))).toBeInstanceOf(errors.NotFoundError);
    expect((await as("globex", () => customers.getCustomer(globexCustomer.id))).name).toBe("Globex Only");
  });

  it("refuses to delete a customer that has invoices", async () => {
    const c = await newCustomer();
    await acme(() =>
      invoices.createInvoice({ customerId: c.id, lines: [{ description: "x", quantity: 1, unitPriceMinor: 100 }] }),
    );
    const error = await failure(acme(() => customers.deleteCustomer(c.id)));
    expect(error).toBeInstanceOf(errors.ConflictError);
  });
});

describe("pagination", () => {
  it("returns every row exactly once across pages, for several sorts, with ties broken by id", async () => {
    const slug = "initech";
    for (let i = 0; i < 23; i++)
      await as(slug, () => customers.createCustomer({ name: `Page ${String(i % 5).padStart(2, "0")}` }));
    const all = await as(slug, () => customers.listCustomers({ limit: 100 }));
    expect(all.nextCursor).toBeNull();
    for (const sort of ["name", "-name", "createdAt", "-createdAt"]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await as(slug, () => customers.listCustomers({ limit: "4" as never, sort, cursor }));
        expect(page.data.length).toBeLessThanOrEqual(4);
        seen.push(...page.data.map((c) => c.id));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < 100);
      expect(new Set(seen).size, sort).toBe(seen.length);
      expect([...seen].sort(), sort).toEqual(all.data.map((c) => c.id).sort());
    }
  });

  it("filters with q, and rejects a bad sort, limit or cursor naming the parameter", async () => {
    const { data } = await as("initech", () => customers.listCustomers({ q: "page 03" }));
    expect(data.length).toBeGreaterThan(0);
    expect(data.every((c) => c.name === "Page 03")).toBe(true);
    expect(fields(await failure(acme(() => customers.listCustomers({ sort: "passwordHash" }))))).toEqual(["sort"]);
    expect(fields(await failure(acme(() => customers.listCustomers({ limit: "500" as never }))))).toEqual(["limit"]);
    expect(fields(await failure(acme(() => customers.listCustomers({ limit: "abc" as never }))))).toEqual(["limit"]);
    expect(fields(await failure(acme(() => customers.listCustomers({ cursor: "garbage" }))))).toEqual(["cursor"]);
    // A cursor made for another sort is refused rather than silently misapplied.
    const page = await as("initech", () => customers.listCustomers({ limit: 1, sort: "name" }));
    const other = await failure(
      as("initech", () => customers.listCustomers({ cursor: page.nextCursor!, sort: "-createdAt" })),
    );
    expect(fields(other)).toEqual(["cursor"]);
  });
});

describe("invoices", () => {
  it("computes line amounts, tax and totals server-side and auto-numbers INV-0001…", async () => {
    const c = await newCustomer();
    const inv = await acme(() =>
      invoices.createInvoice({
        customerId: c.id,
        issueDate: "2025-03-01",
        lines: [
          { description: "Consulting", quantity: 1.5, unitPriceMinor: 12_345, taxRateBps: 2000 },
          { description: "Book", quantity: 3, unitPriceMinor: 999, taxRateBps: 700 },
          { description: "Free", quantity: 0.333, unitPriceMinor: 1 },
        ],
        // a client-sent total is ignored
        ...({ totalMinor: 1 } as object),
      }),
    );
    // 1.5 × 12345 = 18517.5 → 18518; tax 20% = 3703.6 → 3704
    // 3 × 999 = 2997; tax 7% = 209.79 → 210
    // 0.333 × 1 = 0.333 → 0
    expect(inv.lines.map((l) => [l.amountMinor, l.taxMinor])).toEqual([
      [18_518, 3_704],
      [2_997, 210],
      [0, 0],
    ]);
    expect(inv).toMatchObject({
      status: "draft",
      subtotalMinor: 21_515,
      taxMinor: 3_914,
      totalMinor: 25_429,
      issueDate: "2025-03-01",
      dueDate: "2025-03-31",
      currency: "USD",
    });
    // demo data has INV-0001..INV-0006 for acme
    expect(inv.number).toMatch(/^INV-\d{4}$/);
    expect(Number(inv.number.slice(4))).toBeGreaterThan(6);
    const again = await acme(() =>
      invoices.createInvoice({ customerId: c.id, lines: [{ description: "x", quantity: 1, unitPriceMinor: 1 }] }),
    );
    expect(Number(again.number.slice(4))).toBe(Number(inv.number.slice(4)) + 1);
  });

  it("a number already used in this tenant is a conflict naming number; another tenant may reuse it", async () => {
    const c = await newCustomer();
    const line = [{ description: "x", quantity: 1, unitPriceMinor: 100 }];
    await acme(() => invoices.createInvoice({ customerId: c.id, number: "CUSTOM-1", lines: line }));
    const error = await failure(
      acme(() => invoices.createInvoice({ customerId: c.id, number: "CUSTOM-1", lines: line })),
    );
    expect(error).toBeInstanceOf(errors.ConflictError);
    expect(error.extensions).toEqual({ field: "number" });
    const g = await newCustomer("globex");
    const theirs = await as("globex", () =>
      invoices.createInvoice({ customerId: g.id, number: "CUSTOM-1", lines: line }),
    );
    expect(theirs.number).toBe("CUSTOM-1");
    // renaming a draft onto a used number is a conflict too
    const other = await acme(() => invoices.createInvoice({ customerId: c.id, lines: line }));
    const rename = await failure(acme(() => invoices.updateInvoice(other.id, { number: "CUSTOM-1" })));
    expect((rename as Record<string, unknown>).extensions).toEqual({ field: "number" });
  });

  it("validates input naming the field: customer of another tenant, dates, lines", async () => {
    const g = await newCustomer("globex");
    const mine = await newCustomer();
    const line = { description: "x", quantity: 1, unitPriceMinor: 100 };
    expect(fields(await failure(acme(() => invoices.createInvoice({ customerId: g.id, lines: [line] }))))).toEqual([
      "customerId",
    ]);
    expect(
      fields(
        await failure(
          acme(() =>
            invoices.createInvoice({
              customerId: mine.id,
              issueDate: "2025-05-10",
              dueDate: "2025-05-01",
              lines: [line],
            }),
          ),
        ),
      ),
    ).toEqual(["dueDate"]);
    expect(fields(await failure(acme(() => invoices.createInvoice({ customerId: mine.id, lines: [] }))))).toEqual([
      "lines",
    ]);
    const bad = await failure(
      acme(() =>
        invoices.createInvoice({
          customerId: "nope",
          issueDate: "2025-02-30",
          lines: [{ description: "", quantity: -1, unitPriceMinor: 1.5, taxRateBps: 20_000 }],
        }),
      ),
    );
    expect(fields(bad).sort()).toEqual(
      [
        "customerId",
        "issueDate",
        "lines.0.description",
        "lines.0.quantity",
        "lines.0.taxRateBps",
        "lines.0.unitPriceMinor",
      ].sort(),
    );
    const globexProduct = await as("initech", () => products.createProduct({ sku: "FOREIGN-1", name: "Not yours" }));
    expect(
      fields(
        await failure(
          acme(() =>
            invoices.createInvoice({ customerId: mine.id, lines: [{ ...line, productId: globexProduct.id }] }),
          ),
        ),
      ),
    ).toEqual(["lines.0.productId"]);
    expect(
      fields(
        await failure(
          acme(() =>
            invoices.createInvoice({
              customerId: mine.id,
              lines: [{ description: "huge", quantity: 1_000_000, unitPriceMinor: 1_000_000_000 }],
            }),
          ),
        ),
      ),
    ).toEqual(["lines.0.quantity"]);
  });

  it("moves draft → sent → paid, refuses other transitions naming status, and only edits/deletes drafts", async () => {
    const c = await newCustomer();
    const line = { description: "x", quantity: 2, unitPriceMinor: 500, taxRateBps: 1000 };
    const inv = await acme(() => invoices.createInvoice({ customerId: c.id, lines: [line] }));

    const edited = await acme(() =>
      invoices.updateInvoice(inv.id, { lines: [line, { description: "y", quantity: 1, unitPriceMinor: 50 }] }),
    );
    expect(edited.lines).toHaveLength(2);
    expect(edited.totalMinor).toBe(1_100 + 50);

    const payDraft = await failure(acme(() => invoices.payInvoice(inv.id)));
    expect(payDraft).toBeInstanceOf(errors.ConflictError);
    expect(payDraft.extensions).toEqual({ field: "status" });

    const sent = await acme(() => invoices.sendInvoice(inv.id));
    expect(sent.status).toBe("sent");
    expect(sent.sentAt).not.toBeNull();
    for (const op of [
      () => invoices.sendInvoice(inv.id),
      () => invoices.updateInvoice(inv.id, { notes: "late edit" }),
      () => invoices.deleteInvoice(inv.id),
    ]) {
      const e = await failure(acme(op as () => Promise<unknown>));
      expect(e).toBeInstanceOf(errors.ConflictError);
      expect(e.extensions).toEqual({ field: "status" });
    }
    const paid = await acme(() => invoices.payInvoice(inv.id));
    expect(paid).toMatchObject({ status: "paid", totalMinor: 1_150 });
    expect((await failure(acme(() => invoices.voidInvoice(inv.id)))).extensions).toEqual({ field: "status" });

    const draft = await acme(() => invoices.createInvoice({ customerId: c.id, lines: [line] }));
    expect((await acme(() => invoices.voidInvoice(draft.id))).status).toBe("void");
    const toDelete = await acme(() => invoices.createInvoice({ customerId: c.id, lines: [line] }));
    await acme(() => invoices.deleteInvoice(toDelete.id));
    expect(await failure(acme(() => invoices.getInvoice(toDelete.id)))).toBeInstanceOf(errors.NotFoundError);
  });

  it("another tenant's invoice is not found for every operation", async () => {
    const g = await newCustomer("globex");
    const theirs = await as("globex", () =>
      invoices.createInvoice({ customerId: g.id, lines: [{ description: "x", quantity: 1, unitPriceMinor: 1 }] }),
    );
    for (const op of [
      () => invoices.getInvoice(theirs.id),
      () => invoices.updateInvoice(theirs.id, { notes: "x" }),
      () => invoices.sendInvoice(theirs.id),
      () => invoices.voidInvoice(theirs.id),
      () => invoices.deleteInvoice(theirs.id),
    ])
      expect(await failure(acme(op as () => Promise<unknown>))).toBeInstanceOf(errors.NotFoundError);
    expect((await as("globex", () => invoices.getInvoice(theirs.id))).status).toBe("draft");
  });

  it("lists with status/customer/date filters and sorts", async () => {
    const c = await newCustomer();
    const line = [{ description: "x", quantity: 1, unitPriceMinor: 100 }];
    const a = await acme(() => invoices.createInvoice({ customerId: c.id, issueDate: "2024-01-10", lines: line }));
    const b = await acme(() => invoices.createInvoice({ customerId: c.id, issueDate: "2024-02-10", lines: line }));
    await acme(() => invoices.sendInvoice(b.id));
    const byCustomer = await acme(() => invoices.listInvoices({ customerId: c.id, sort: "issueDate" }));
    expect(byCustomer.data.map((i) => i.id)).toEqual([a.id, b.id]);
    const sent = await acme(() => invoices.listInvoices({ customerId: c.id, status: "sent" }));
    expect(sent.data.map((i) => i.id)).toEqual([b.id]);
    const jan = await acme(() => invoices.listInvoices({ customerId: c.id, from: "2024-01-01", to: "2024-01-31" }));
    expect(jan.data.map((i) => i.id)).toEqual([a.id]);
    expect(fields(await failure(acme(() => invoices.listInvoices({ status: "overdue" as never }))))).toEqual([
      "status",
    ]);
    expect(fields(await failure(acme(() => invoices.listInvoices({ from: "yesterday" }))))).toEqual(["from"]);
  });
});

describe("products", () => {
  it("keeps sku unique per tenant (409 naming sku), adjusts stock, refuses negative stock", async () => {
    const p = await acme(() => products.createProduct({ sku: "WIDGET-1", name: "Widget", priceMinor: 250, stock: 5 }));
    const dup = await failure(acme(() => products.createProduct({ sku: "WIDGET-1", name: "Again" })));
    expect(dup).toBeInstanceOf(errors.ConflictError);
    expect(dup.extensions).toEqual({ field: "sku" });
    // the same sku in another tenant is fine
    await as("initech", () => products.createProduct({ sku: "WIDGET-1", name: "Theirs" }));

    expect((await acme(() => products.adjustStock(p.id, 10, "delivery"))).stock).toBe(15);
    expect((await acme(() => products.adjustStock(p.id, -15, "sold out"))).stock).toBe(0);
    const below = await failure(acme(() => products.adjustStock(p.id, -1, "oops")));
    expect(fields(below)).toEqual(["delta"]);
    expect((await acme(() => products.getProduct(p.id))).stock).toBe(0);
    expect(fields(await failure(acme(() => products.adjustStock(p.id, { delta: 0, reason: "" }))))).toEqual([
      "delta",
      "reason",
    ]);
  });

  it("refuses to delete a product used by invoice lines, suggesting to archive it", async () => {
    const p = await acme(() => products.createProduct({ sku: "USED-1", name: "Used" }));
    const c = await newCustomer();
    await acme(() =>
      invoices.createInvoice({
        customerId: c.id,
        lines: [{ description: "Used", quantity: 1, unitPriceMinor: 100, productId: p.id }],
      }),
    );
    const e = await failure(acme(() => products.deleteProduct(p.id)));
    expect(e).toBeInstanceOf(errors.ConflictError);
    expect(e.message).toMatch(/archive/);
    const archived = await acme(() => products.updateProduct(p.id, { isArchived: true }));
    expect(archived.isArchived).toBe(true);
    const { data } = await acme(() => products.listProducts({ archived: "true" as never, q: "USED-" }));
    expect(data.map((x) => x.id)).toEqual([p.id]);
    const unused = await acme(() => products.createProduct({ sku: "UNUSED-1", name: "Unused" }));
    await acme(() => products.deleteProduct(unused.id));
  });

  it("is gated by the plan: a free tenant cannot use products, projects or reports", async () => {
    for (const op of [
      () => products.listProducts(),
      () => products.createProduct({ sku: "X", name: "X" }),
      () => projects.listProjects(),
      () => projects.createProject({ name: "X" }),
      () => reports.reportSummary(),
      () => audit.listAuditEvents(),
    ]) {
      const e = await failure(as("globex", op as () => Promise<unknown>));
      expect(e).toBeInstanceOf(errors.FeatureNotAvailableError);
    }
    // but invoicing is for every plan
    expect((await as("globex", () => invoices.listInvoices())).data.length).toBeGreaterThan(0);
  });
});

describe("projects", () => {
  it("CRUD with an optional customer that must exist in this tenant, and status values", async () => {
    const c = await newCustomer();
    const p = await acme(() =>
      projects.createProject({ name: "Migration", customerId: c.id, startDate: "2025-01-01", budgetMinor: 100_000 }),
    );
    expect(p).toMatchObject({ status: "active", customerId: c.id, startDate: "2025-01-01", endDate: null });
    const done = await acme(() => projects.updateProject(p.id, { status: "completed", endDate: "2025-02-01" }));
    expect(done).toMatchObject({ status: "completed", endDate: "2025-02-01" });
    expect(fields(await failure(acme(() => projects.updateProject(p.id, { status: "paused" as never }))))).toEqual([
      "status",
    ]);
    expect(fields(await failure(acme(() => projects.updateProject(p.id, { endDate: "2024-12-31" }))))).toEqual([
      "endDate",
    ]);
    const g = await newCustomer("globex");
    expect(fields(await failure(acme(() => projects.createProject({ name: "X", customerId: g.id }))))).toEqual([
      "customerId",
    ]);
    const listed = await acme(() => projects.listProjects({ customerId: c.id, status: "completed" }));
    expect(listed.data.map((x) => x.id)).toEqual([p.id]);
    // a customer with a project cannot be deleted
    expect(await failure(acme(() => customers.deleteCustomer(c.id)))).toBeInstanceOf(errors.ConflictError);
    await acme(() => projects.deleteProject(p.id));
    expect(await failure(acme(() => projects.getProject(p.id)))).toBeInstanceOf(errors.NotFoundError);
    await acme(() => customers.deleteCustomer(c.id));
  });
});

describe("reports", () => {
  it("sums outstanding, overdue and paid-this-month in one currency, with 12 months for a chart", async () => {
    const c = await as("initech", () => customers.createCustomer({ name: "Report Co" }));
    const line = (unitPriceMinor: number) => [{ description: "x", quantity: 1, unitPriceMinor }];
    const before = await as("initech", () => reports.reportSummary({ currency: "CHF" }));
    expect(before.outstanding).toEqual({ count: 0, totalMinor: 0 });
    expect(before.months).toHaveLength(12);

    const today = new Date().toISOString().slice(0, 10);
    const overdue = await as("initech", () =>
      invoices.createInvoice({
        customerId: c.id,
        currency: "CHF",
        issueDate: "2020-01-01",
        dueDate: "2020-01-31",
        lines: line(1_000),
      }),
    );
    const open = await as("initech", () =>
      invoices.createInvoice({ customerId: c.id, currency: "CHF", issueDate: today, lines: line(2_000) }),
    );
    const paid = await as("initech", () =>
      invoices.createInvoice({ customerId: c.id, currency: "CHF", issueDate: today, lines: line(4_000) }),
    );
    for (const inv of [overdue, open, paid]) await as("initech", () => invoices.sendInvoice(inv.id));
    await as("initech", () => invoices.payInvoice(paid.id));

    const summary = await as("initech", () => reports.reportSummary({ currency: "chf" }));
    expect(summary.currency).toBe("CHF");
    expect(summary.outstanding).toEqual({ count: 2, totalMinor: 3_000 });
    expect(summary.overdue).toEqual({ count: 1, totalMinor: 1_000 });
    expect(summary.paidThisMonth).toEqual({ count: 1, totalMinor: 4_000 });
    const thisMonth = summary.months.at(-1)!;
    expect(thisMonth.month).toBe(today.slice(0, 7));
    expect(thisMonth).toMatchObject({ invoicedMinor: 6_000, paidMinor: 4_000 });
    expect(fields(await failure(as("initech", () => reports.reportSummary({ currency: "francs" }))))).toEqual([
      "currency",
    ]);
  });
});

describe("database constraint errors", () => {
  it("maps a unique violation the pre-checks did not catch to a conflict naming the field, and a bad FK to 422", async () => {
    const { tenantTransaction } = await import("@/lib/tenancy/scoped-client");
    const { mappingPrismaErrors } = await import("@/lib/accounting/errors");
    await acme(() => products.createProduct({ sku: "RACE-1", name: "First" }));
    const dup = await failure(
      acme(() =>
        mappingPrismaErrors("Product", () =>
          // async + await: tenantTransaction must not get a lazy Prisma promise (see report)
          tenantTransaction(async (db) => await db.product.create({ data: { sku: "RACE-1", name: "Second" } })),
        ),
      ),
    );
    expect(dup).toBeInstanceOf(errors.ConflictError);
    expect(dup.extensions).toEqual({ field: "sku" });

    const c = await newCustomer();
    const inv = await acme(() =>
      invoices.createInvoice({ customerId: c.id, lines: [{ description: "x", quantity: 1, unitPriceMinor: 1 }] }),
    );
    const dupNumber = await failure(
      acme(() =>
        mappingPrismaErrors("Invoice", () =>
          tenantTransaction(
            async (db) =>
              await db.invoice.create({
                data: { number: inv.number, customerId: c.id, issueDate: new Date(), dueDate: new Date() },
              }),
          ),
        ),
      ),
    );
    expect(dupNumber.extensions).toEqual({ field: "number" });

    const badFk = await failure(
      acme(() =>
        mappingPrismaErrors("Invoice", () =>
          tenantTransaction(
            async (db) =>
              await db.invoice.create({
                data: {
                  number: "FK-1",
                  customerId: "00000000-0000-4000-8000-000000000000",
                  issueDate: new Date(),
                  dueDate: new Date(),
                },
              }),
          ),
        ),
      ),
    );
    expect(fields(badFk)).toEqual(["customerId"]);
  });
});
