import { NextRequest } from "next/server";
import { expect, it } from "vitest";
import { totp, base32Decode } from "@/lib/auth/mfa";
import {
  assertMfaPolicy,
  confirmMfaEnrolment,
  disableMfa,
  startMfaEnrolment,
  verifySecondFactor,
} from "@/lib/auth/mfa-store";
import { controlDb } from "@/lib/db/control";
import { brandedMail, mailBrandingFor } from "@/lib/mail/branding";
import { MfaEnrolmentRequiredError, NotFoundError } from "@/lib/http/errors";
import { toProblem } from "@/lib/http/problem";
import { quotaStatus } from "@/lib/quotas/quotas";
import { deleteBrandingAsset, readBrandingAsset, uploadBrandingAsset } from "@/lib/settings/assets";
import {
  getSettings,
  updateBrandingSettings,
  updateGeneralSettings,
  updateNotificationSettings,
  updateSecuritySettings,
} from "@/lib/settings/settings";
import { runInTenantContext } from "@/lib/tenancy/context";
import { tenantDirectory } from "@/lib/tenancy/directory-instance";
import { tenantTransaction } from "@/lib/tenancy/scoped-client";
import { findActiveTenantBySlug, type TenantSummary } from "@/lib/tenancy/tenants";
import { describeIsolation } from "../support/isolation";

/**
 * Tenant settings, branding files and MFA against the app's own database (PGlite and
 * PostgreSQL, migrated and seeded with the demo tenants): every field of the seed's
 * tenant_settings is saved and read back, bad values are refused naming the field, each
 * change is audited with before/after and reaches the proxy's cache at once, the IP
 * allow-list never locks out its author silently, and TOTP codes work once.
 */

const PNG = (size: number) => {
  const bytes = new Uint8Array(size);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return bytes;
};
const ICO = Uint8Array.from([0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0]);
const SVG = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const GIF = new TextEncoder().encode("GIF89a\u0001\u0000\u0001\u0000");

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

/** What the API would answer: status and the fields named. */
async function refusal(promise: Promise<unknown>): Promise<{ status: number; fields: string[]; detail: string }> {
  const problem = toProblem(await failure(promise));
  const fields = ((problem.errors ?? []) as { field: string }[]).map((e) => e.field);
  return { status: problem.status, fields, detail: String(problem.detail) };
}

describeIsolation("tenant settings", () => {
  let acme: TenantSummary;
  let aliceId: string;

  const asAlice = <T>(fn: () => Promise<T>): Promise<T> =>
    runInTenantContext(
      {
        tenant: {
          id: acme.id,
          slug: acme.slug,
          tier: acme.tier,
          isolationLevel: "shared_database",
          features: acme.features,
        },
        actor: { type: "user", userId: aliceId, role: "owner" },
      },
      fn,
    );

  async function load(): Promise<void> {
    acme = (await findActiveTenantBySlug("acme"))!;
    const db = await controlDb();
    aliceId = (await db.user.findUniqueOrThrow({ where: { email: "alice@acme.test" } })).id;
  }

  async function auditTrail(action: string) {
    return asAlice(() =>
      tenantTransaction((db) =>
        db.auditEvent.findMany({ where: { entityType: "tenant_settings", action }, orderBy: { createdAt: "asc" } }),
      ),
    );
  }

  it("saves and reads back every general, locale and workspace field", async () => {
    await load();
    const general = {
      name: "Acme Accounting Group",
      legalName: "Acme Accounting Group LLC",
      email: "Office@Acme.test",
      phone: "+1 (555) 010-2000",
      addressLine1: "1 Ledger Way",
      addressLine2: "Suite 200",
      city: "Springfield",
      state: "IL",
      postalCode: "62701",
      country: "us",
      taxId: "12-3456789",
      vatNumber: "EU123456789",
    };
    const locale = {
      language: "de",
      timezone: "Europe/Berlin",
      currency: "eur",
      dateFormat: "DD.MM.YYYY",
      numberFormat: "1.234,56",
    };
    const view = await asAlice(() =>
      updateGeneralSettings({
        ...general,
        ...locale,
        modulesEnabled: ["invoices", "customers"],
        customSettings: { fiscal_year_start: "04-01" },
      }),
    );
    expect(view.general).toEqual({ ...general, email: "office@acme.test", country: "US" });
    expect(view.locale).toEqual({ ...locale, currency: "EUR" });
    expect(view.workspace).toMatchObject({
      modulesEnabled: ["customers", "invoices"],
      customSettings: { fiscal_year_start: "04-01" },
    });
    expect(await asAlice(() => getSettings())).toEqual(view);
    // Pages read the tenant summary: the name, locale and modules apply on the next request.
    const summary = (await findActiveTenantBySlug("acme"))!;
    expect(summary.name).toBe("Acme Accounting Group");
    expect(summary.locale).toEqual({
      language: "de",
      timezone: "Europe/Berlin",
      currency: "EUR",
      dateFormat: "DD.MM.YYYY",
      numberFormat: "1.234,56",
    });
    expect(summary.modulesEnabled).toEqual(["customers", "invoices"]);
    // Empty strings clear optional fields; a field left out keeps its value.
    const cleared = await asAlice(() => updateGeneralSettings({ legalName: "", phone: "" }));
    expect(cleared.general).toMatchObject({ legalName: null, phone: null, city: "Springfield" });

    const [event] = (await auditTrail("settings.general_updated")).slice(-2);
    expect(event.actorId).toBe(aliceId);
    expect(event.before).toMatchObject({ name: "Acme Accounting", language: "en" });
    expect(event.after).toMatchObject({ name: "Acme Accounting Group", language: "de", currency: "EUR" });
    // Only what changed is recorded.
    expect(Object.keys(event.after as object)).not.toContain("slug");
  });

  it("refuses bad values with 422 naming every field, and changes nothing", async () => {
    const before = await asAlice(() => getSettings());
    const general = await refusal(
      asAlice(() =>
        updateGeneralSettings({
          name: " ",
          email: "not-an-email",
          country: "XX",
          timezone: "Mars/Olympus_Mons",
          currency: "ABC",
          dateFormat: "YY/M/D",
          numberFormat: "1_234.56",
          language: "tlh",
          modulesEnabled: ["teleportation"],
          colour: "#fff",
        }),
      ),
    );
    expect(general.status).toBe(422);
    expect(general.fields.sort()).toEqual(
      [
        "(body)",
        "country",
        "currency",
        "dateFormat",
        "email",
        "language",
        "modulesEnabled.0",
        "name",
        "numberFormat",
        "timezone",
      ].sort(),
    );
    for (const bad of ["#fff", "blue", "#12345g", "2563eb", "#2563eb80"]) {
      const result = await refusal(asAlice(() => updateBrandingSettings({ primaryColor: bad })));
      expect(result).toMatchObject({ status: 422, fields: ["primaryColor"] });
    }
    const security = await refusal(
      asAlice(() =>
        updateSecuritySettings(
          {
            sessionTimeoutMinutes: 1,
            passwordPolicy: { minLength: 4 },
            ipAllowList: ["10.0.0.0/8", "10.0.0.0/33", "banana"],
          },
          { callerIp: "10.1.1.1" },
        ),
      ),
    );
    expect(security.fields.sort()).toEqual(
      ["ipAllowList.1", "ipAllowList.2", "passwordPolicy.minLength", "sessionTimeoutMinutes"].sort(),
    );
    const sender = await refusal(
      asAlice(() =>
        updateNotificationSettings({
          sender: { fromName: "Acme\r\nBcc: victim@example.test", replyTo: "nope" },
          events: { invoice_paid: "yes" },
          recipients: ["ok@example.test", "bad"],
        }),
      ),
    );
    expect(sender.fields.sort()).toEqual(
      ["events.invoice_paid", "recipients.1", "sender.fromName", "sender.replyTo"].sort(),
    );
    expect(await asAlice(() => getSettings())).toEqual(before);
  });

  it("branding colours apply at once: the proxy's cached record and the pages see them", async () => {
    const directory = tenantDirectory();
    expect((await directory.bySlug("acme"))?.branding.primaryColor).toBe("#dc2626");
    const view = await asAlice(() => updateBrandingSettings({ primaryColor: "#0F766E", secondaryColor: "#134e4a" }));
    expect(view.branding).toMatchObject({ primaryColor: "#0f766e", secondaryColor: "#134e4a" });
    expect((await directory.bySlug("acme"))?.branding.primaryColor).toBe("#0f766e");
    expect((await findActiveTenantBySlug("acme"))?.branding.primaryColor).toBe("#0f766e");
    const [event] = await auditTrail("settings.branding_updated");
    expect(event.before).toEqual({ primaryColor: "#dc2626", secondaryColor: "#7f1d1d" });
    expect(event.after).toEqual({ primaryColor: "#0f766e", secondaryColor: "#134e4a" });
  });

  it("security: policy rules merge, timeout and MFA saved; every field audited", async () => {
    const view = await asAlice(() =>
      updateSecuritySettings(
        { passwordPolicy: { minLength: 14, requireSymbol: true }, sessionTimeoutMinutes: 90, mfaRequired: false },
        { callerIp: "203.0.113.9" },
      ),
    );
    expect(view.security).toEqual({
      passwordPolicy: {
        minLength: 14,
        requireUppercase: false,
        requireLowercase: false,
        requireNumber: true,
        requireSymbol: true,
      },
      sessionTimeoutMinutes: 90,
      mfaRequired: false,
      ipAllowList: [],
    });
    expect((await findActiveTenantBySlug("acme"))?.sessionTimeoutMinutes).toBe(90);
    const [event] = (await auditTrail("settings.security_updated")).slice(-1);
    expect(event.after).toMatchObject({ sessionTimeoutMinutes: 90, passwordPolicy: { minLength: 14 } });
  });

  it("an IP allow-list without the caller's address is refused unless confirmed, then enforced for other addresses", async () => {
    const { proxy } = await import("../../proxy");
    const page = (ip: string) =>
      proxy(
        new NextRequest("http://127.0.0.1:3000/", { headers: { host: "acme.localhost:3000", "x-forwarded-for": ip } }),
      );

    const refused = await refusal(
      asAlice(() => updateSecuritySettings({ ipAllowList: ["10.0.0.0/8"] }, { callerIp: "203.0.113.9" })),
    );
    expect(refused.status).toBe(422);
    expect(refused.fields).toEqual(["ipAllowList"]);
    expect(refused.detail).toContain("203.0.113.9");
    expect((await asAlice(() => getSettings())).security.ipAllowList).toEqual([]);
    expect((await page("198.51.100.1")).status).not.toBe(403);

    // A list that includes the caller needs no confirmation.
    const including = await asAlice(() =>
      updateSecuritySettings({ ipAllowList: ["10.0.0.0/8", "203.0.113.0/24"] }, { callerIp: "203.0.113.9" }),
    );
    expect(including.security.ipAllowList).toEqual(["10.0.0.0/8", "203.0.113.0/24"]);

    // Confirmed: saved, and the proxy enforces it on the next request.
    const confirmed = await asAlice(() =>
      updateSecuritySettings({ ipAllowList: ["10.0.0.0/8"], confirmLockout: true }, { callerIp: "203.0.113.9" }),
    );
    expect(confirmed.security.ipAllowList).toEqual(["10.0.0.0/8"]);
    expect((await page("10.20.30.40")).status).not.toBe(403);
    expect((await page("203.0.113.9")).status).toBe(403);
    expect((await page("198.51.100.1")).status).toBe(403);

    await asAlice(() => updateSecuritySettings({ ipAllowList: [] }, { callerIp: "203.0.113.9" }));
    expect((await page("198.51.100.1")).status).not.toBe(403);
  });

  it("notifications and sender: saved, merged and audited", async () => {
    const view = await asAlice(() =>
      updateNotificationSettings({
        events: { weekly_summary: true, invoice_paid: false },
        recipients: ["Books@Acme.test"],
        sender: { fromName: "Acme Billing", fromAddress: "billing@acme.test", replyTo: "help@acme.test" },
      }),
    );
    expect(view.notifications.events).toMatchObject({
      weekly_summary: true,
      invoice_paid: false,
      invoice_overdue: true,
    });
    expect(view.notifications.recipients).toEqual(["books@acme.test"]);
    expect(view.sender).toEqual({
      fromName: "Acme Billing",
      fromAddress: "billing@acme.test",
      replyTo: "help@acme.test",
    });
    const again = await asAlice(() => updateNotificationSettings({ sender: { replyTo: "" } }));
    expect(again.sender).toEqual({ fromName: "Acme Billing", fromAddress: "billing@acme.test", replyTo: null });
    expect(again.notifications.recipients).toEqual(["books@acme.test"]);
    // The tenant's e-mails use its sender, reply-to, colour and logo (lib/mail/branding.ts).
    const branding = await mailBrandingFor(acme.id, { ROOT_DOMAIN: "example.com" } as unknown as NodeJS.ProcessEnv);
    expect(branding).toMatchObject({
      from: '"Acme Billing" <billing@acme.test>',
      replyTo: null,
      origin: "https://acme.example.com",
    });
    const mail = brandedMail(branding, {
      to: "client@example.test",
      subject: "Invoice <INV-1>",
      paragraphs: ["Your invoice is attached & due."],
      action: { label: "View invoice", url: "https://acme.example.com/invoices/1?a=1&b=2" },
    });
    expect(mail.from).toBe('"Acme Billing" <billing@acme.test>');
    expect(mail.html).toContain(`background:${branding.primaryColor}`);
    expect(mail.html).toContain("Invoice &#60;INV-1&#62;");
    expect(mail.html).toContain("attached &#38; due.");
    expect(mail.text).toContain("View invoice: https://acme.example.com/invoices/1?a=1&b=2");
    const events = await auditTrail("settings.notifications_updated");
    expect(events).toHaveLength(2);
    expect(events[1].before).toEqual({
      sender: { fromName: "Acme Billing", fromAddress: "billing@acme.test", replyTo: "help@acme.test" },
    });
  });

  it("branding files: checked by their bytes, capped, counted in storage, replaced and removed", async () => {
    const storage = async () => (await quotaStatus(acme.id)).find((q) => q.key === "storage")!.used;
    const start = await storage();

    for (const [kind, bytes, message] of [
      ["logo", SVG, "SVG"],
      ["logo", GIF, "not an image"],
      ["logo", ICO, "ICO is not accepted"],
      ["favicon", PNG(200 * 1024), "limit"],
      ["logo", new Uint8Array(0), "empty"],
    ] as const) {
      const result = await refusal(asAlice(() => uploadBrandingAsset(kind, bytes)));
      expect(result).toMatchObject({ status: 422, fields: ["file"] });
      expect(result.detail).toContain(message);
    }
    expect(await storage()).toBe(start);

    const logo = await asAlice(() => uploadBrandingAsset("logo", PNG(100_000)));
    expect(logo).toMatchObject({ contentType: "image/png", sizeBytes: 100_000 });
    expect(logo.url).toMatch(/^\/branding\/logo\?v=[0-9a-f]{16}$/);
    const favicon = await asAlice(() => uploadBrandingAsset("favicon", ICO));
    expect(favicon.contentType).toBe("image/x-icon");
    expect((await findActiveTenantBySlug("acme"))?.branding).toMatchObject({
      logoUrl: logo.url,
      faviconUrl: favicon.url,
    });
    expect(await storage()).toBeGreaterThanOrEqual(start + 100_000);
    expect(await storage()).toBeLessThan(start + 120_000);

    // A replacement charges only what it adds; the new file is what is served.
    const replaced = await asAlice(() => uploadBrandingAsset("logo", PNG(150_000)));
    expect(replaced.url).not.toBe(logo.url);
    expect((await readBrandingAsset(acme.id, "logo"))?.data.byteLength).toBe(150_000);
    expect(await storage()).toBeLessThan(start + 170_000);

    await asAlice(() => deleteBrandingAsset("logo"));
    await asAlice(() => deleteBrandingAsset("favicon"));
    expect(await readBrandingAsset(acme.id, "logo")).toBeNull();
    expect((await findActiveTenantBySlug("acme"))?.branding).toMatchObject({ logoUrl: null, faviconUrl: null });
    expect(await storage()).toBe(start);
    expect(await failure(asAlice(() => deleteBrandingAsset("logo")))).toBeInstanceOf(NotFoundError);
    const actions = (
      await asAlice(() =>
        tenantTransaction((db) =>
          db.auditEvent.findMany({ where: { action: { startsWith: "settings.branding_file" } } }),
        ),
      )
    ).map((e) => e.action);
    expect(actions.sort()).toEqual(
      [
        "settings.branding_file_removed",
        "settings.branding_file_removed",
        "settings.branding_file_uploaded",
        "settings.branding_file_uploaded",
        "settings.branding_file_uploaded",
      ].sort(),
    );
  });

  it("a full storage quota refuses an upload and stores nothing", async () => {
    const db = await controlDb();
    const quota = await db.tenantQuota.findUniqueOrThrow({ where: { tenantId: acme.id } });
    await db.tenantQuota.update({ where: { tenantId: acme.id }, data: { currentStorageMb: quota.maxStorageMb ?? 0 } });
    try {
      const problem = toProblem(await failure(asAlice(() => uploadBrandingAsset("logo", PNG(50_000)))));
      expect(problem).toMatchObject({ status: 403, quota: "storage" });
      expect(await readBrandingAsset(acme.id, "logo")).toBeNull();
    } finally {
      await db.tenantQuota.update({ where: { tenantId: acme.id }, data: { currentStorageMb: quota.currentStorageMb } });
    }
  });

  it("MFA: enrolment, codes accepted once, recovery codes once, and the tenant's requirement", async () => {
    const db = await controlDb();
    const dave = await db.user.findUniqueOrThrow({ where: { email: "dave@example.test" } });
    const { secret, uri } = await startMfaEnrolment(dave.id, "Acme");
    expect(uri).toContain(`secret=${secret}`);
    const stored = await db.user.findUniqueOrThrow({ where: { id: dave.id } });
    expect(stored.mfaSecret).not.toContain(secret);
    expect(stored.mfaEnabledAt).toBeNull();

    // Acme requires MFA: dave (a member without it) is stopped; alice likewise until she enrols.
    await asAlice(() => updateSecuritySettings({ mfaRequired: true }, { callerIp: null }));
    const requiring = (await findActiveTenantBySlug("acme"))!;
    expect(requiring.mfaRequired).toBe(true);
    expect(await failure(assertMfaPolicy(requiring, dave.id))).toBeInstanceOf(MfaEnrolmentRequiredError);
    expect(toProblem(new MfaEnrolmentRequiredError())).toMatchObject({ status: 403 });

    const key = base32Decode(secret);
    const wrong = await refusal(confirmMfaEnrolment(dave.id, "000000" === totp(key, Date.now()) ? "111111" : "000000"));
    expect(wrong).toMatchObject({ status: 422, fields: ["code"] });
    const { recoveryCodes } = await confirmMfaEnrolment(dave.id, totp(key, Date.now()));
    expect(recoveryCodes).toHaveLength(10);
    await expect(assertMfaPolicy(requiring, dave.id)).resolves.toBeUndefined();
    const enabled = await db.user.findUniqueOrThrow({ where: { id: dave.id } });
    expect(enabled.mfaRecoveryCodes.some((hash) => recoveryCodes.includes(hash))).toBe(false);

    // The code that confirmed the enrolment cannot sign in again (same step).
    expect(await verifySecondFactor(dave.id, totp(key, Date.now()))).toBeNull();
    // The next step's code works once, even when two requests race with it.
    const next = totp(key, Date.now() + 30_000);
    const raced = await Promise.all([verifySecondFactor(dave.id, next), verifySecondFactor(dave.id, next)]);
    expect(raced.filter((r) => r === "totp")).toHaveLength(1);
    expect(await verifySecondFactor(dave.id, next)).toBeNull();
    // A recovery code works once, in any case and with or without its dash.
    expect(await verifySecondFactor(dave.id, recoveryCodes[0].toUpperCase().replace("-", ""))).toBe("recovery_code");
    expect(await verifySecondFactor(dave.id, recoveryCodes[0])).toBeNull();
    expect((await db.user.findUniqueOrThrow({ where: { id: dave.id } })).mfaRecoveryCodes).toHaveLength(9);

    // While a workspace of his requires MFA, dave cannot turn it off.
    expect(String((await failure(disableMfa(dave.id, recoveryCodes[1]))) as Error)).toContain("Acme");
    await asAlice(() => updateSecuritySettings({ mfaRequired: false }, { callerIp: null }));
    await disableMfa(dave.id, recoveryCodes[1]);
    expect((await db.user.findUniqueOrThrow({ where: { id: dave.id } })).mfaSecret).toBeNull();
  });
});
