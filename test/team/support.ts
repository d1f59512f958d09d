import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { Role } from "@/lib/auth/permissions";
import { hashPassword } from "@/lib/auth/passwords";
import { controlDb } from "@/lib/db/control";
import { loadQuotaRow } from "@/lib/quotas/store";
import { runInTenantContext } from "@/lib/tenancy/context";
import { findActiveTenantBySlug, type TenantSummary } from "@/lib/tenancy/tenants";

/**
 * Fixtures of the team suites: fresh workspaces with members of each role, the acting
 * member's tenant context, and a real SMTP server that catches the invitation e-mails.
 */

export const PASSWORD = "team-Passw0rd!";
let passwordHash: string | undefined;
let n = 0;

export interface TeamFixture {
  tenant: TenantSummary;
  /** User ids by role: one owner, one admin, one member, one viewer. */
  ids: Record<Role, string>;
  emails: Record<Role, string>;
}

export async function createUser(email: string, name: string): Promise<string> {
  const db = await controlDb();
  passwordHash ??= await hashPassword(PASSWORD);
  const user = await db.user.create({ data: { email, name, passwordHash, emailVerified: new Date() } });
  return user.id;
}

/** A new active workspace of `tier` with an owner, an admin, a member and a viewer. */
export async function createTeam(tier = "business"): Promise<TeamFixture> {
  const db = await controlDb();
  const slug = `team${Date.now().toString(36)}${(++n).toString(36)}${randomUUID().slice(0, 4)}`;
  const tenant = await db.tenant.create({
    data: { slug, name: `Team ${slug}`, email: `owner@${slug}.test`, tier, status: "active" },
  });
  await db.tenantSettings.create({ data: { tenantId: tenant.id, primaryColor: "#7c3aed" } });
  await loadQuotaRow(tenant.id); // the plan's limits, as provisioning copies them
  const ids = {} as Record<Role, string>;
  const emails = {} as Record<Role, string>;
  for (const role of ["owner", "admin", "member", "viewer"] as const) {
    emails[role] = `${role}@${slug}.test`;
    ids[role] = await createUser(emails[role], `${role[0].toUpperCase()}${role.slice(1)} of ${slug}`);
    await db.membership.create({ data: { tenantId: tenant.id, userId: ids[role], role } });
  }
  await db.tenant.update({ where: { id: tenant.id }, data: { ownerId: ids.owner } });
  await db.tenantQuota.update({ where: { tenantId: tenant.id }, data: { currentUsers: 4 } });
  const summary = await findActiveTenantBySlug(slug);
  if (!summary) throw new Error("test tenant not found");
  return { tenant: summary, ids, emails };
}

/** Runs `fn` as `userId` with `role` in the workspace (what tenantRoute and the actions set up). */
export function as<T>(tenant: TenantSummary, userId: string, role: Role, fn: () => Promise<T>): Promise<T> {
  return runInTenantContext(
    {
      tenant: {
        id: tenant.id,
        slug: tenant.slug,
        tier: tenant.tier,
        isolationLevel: "shared_database",
        features: tenant.features,
      },
      actor: { type: "user", userId, role },
    },
    fn,
  );
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function failure(promise: Promise<unknown>): Promise<Error & { status?: number; extensions?: object }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

// ── SMTP ────────────────────────────────────────────────────────────────────────────

export interface CaughtMail {
  from: string;
  to: string[];
  /** The raw message (headers and MIME parts). */
  raw: string;
  /** The headers and every part decoded (quoted-printable / base64) to plain text. */
  decoded: string;
}

export interface MailCatcher {
  url: string;
  mails: CaughtMail[];
  /** Mails to `address` whose subject mentions an invitation, oldest first. */
  invitationsTo(address: string): CaughtMail[];
  /** The token in the newest invitation link mailed to `address`. */
  tokenFor(address: string): string;
  close(): Promise<void>;
}

function decodeQuotedPrintable(text: string): string {
  const bytes = Buffer.from(text.replace(/=\r?\n/g, ""), "binary");
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x3d && i + 2 < bytes.length) {
      const hex = bytes.subarray(i + 1, i + 3).toString("ascii");
      if (/^[0-9A-F]{2}$/i.test(hex)) {
        out.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
    }
    out.push(bytes[i]);
  }
  return Buffer.from(out).toString("utf8");
}

/** Decodes every MIME part of a raw message by its Content-Transfer-Encoding. */
export function decodeMime(raw: string): string {
  const sections = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  return sections
    .map((section) => {
      const split = section.search(/\r?\n\r?\n/);
      if (split === -1) return section;
      const head = section.slice(0, split);
      const body = section.slice(split).trim();
      const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
      if (encoding === "quoted-printable") return `${head}\n\n${decodeQuotedPrintable(body)}`;
      if (encoding === "base64")
        return `${head}\n\n${Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8")}`;
      return section;
    })
    .join("\n");
}

export async function startMailCatcher(): Promise<MailCatcher> {
  const mails: CaughtMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          decoded: decodeMime(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  const invitationsTo = (address: string) =>
    mails.filter((m) => m.to.includes(address) && /^Subject: .*invited you/m.test(m.decoded));
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    invitationsTo,
    tokenFor(address) {
      const mail = invitationsTo(address).at(-1);
      const token = mail && /\/invite\/([A-Za-z0-9_-]{43})/.exec(mail.decoded)?.[1];
      if (!token) throw new Error(`no invitation link mailed to ${address}`);
      return token;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
