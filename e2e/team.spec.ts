import { spawn, type ChildProcess } from "node:child_process";
import { request as httpRequest } from "node:http";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { freePort } from "../test/support/redis";
import { startMailCatcher, type MailCatcher } from "../test/support/smtp-catcher";
import { keepScreenshot } from "./support/browser";

/**
 * Team invitations end to end, with real mail: this spec starts its own production server
 * (e2e/serve.mjs) whose SMTP_URL points at a real SMTP server (npm smtp-server) running in
 * the test, so the shared e2e server and the outbox the other specs read stay untouched.
 * Alice (owner of acme) invites a new colleague from the team page; the invitation arrives
 * over SMTP in acme's colours; the colleague opens the link, creates an account on the
 * accept page and lands in acme's team. An existing account (carol) joins by signing in.
 */

const PASSWORD = "demo-Passw0rd!";
const NEW_PASSWORD = "welcome-Passw0rd!1";
const ACME_RED = "#dc2626";

test.describe.configure({ mode: "serial" });
test.afterEach(keepScreenshot);

let port: number;
let server: ChildProcess | undefined;
let serverLog = "";
let mail: MailCatcher;
const newcomer = `newcomer-${Date.now().toString(36)}@example.test`;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  mail = await startMailCatcher();
  port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    E2E_PORT: String(port),
    E2E_DATA_ROOT: mkdtempSync(join(tmpdir(), "logi-e2e-team-")),
    SMTP_URL: mail.url,
    // As on the shared e2e server: this spec is about invitations, not rate limits.
    RATE_LIMIT_SCALE: "100",
  };
  // The harness's pid file belongs to the shared e2e server.
  delete env.E2E_PID_FILE;
  delete env.MAIL_FROM;
  server = spawn(process.execPath, ["e2e/serve.mjs"], { env, stdio: ["ignore", "pipe", "pipe"] });
  server.stdout?.on("data", (chunk: Buffer) => (serverLog += chunk.toString()));
  server.stderr?.on("data", (chunk: Buffer) => (serverLog += chunk.toString()));
  for (let i = 0; i < 300; i++) {
    if (server.exitCode !== null) throw new Error(`team e2e server exited:\n${serverLog}`);
    const up = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`team e2e server did not start:\n${serverLog}`);
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  await mail?.close();
});

const acme = (path: string) => `http://acme.localhost:${port}${path}`;

async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto(acme("/sign-in?next=%2Fteam"));
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(email);
}

async function invite(page: Page, email: string, role: string): Promise<void> {
  const form = page.getByRole("form", { name: "Invite someone" });
  await form.getByLabel("E-mail").fill(email);
  await form.getByLabel("Role").selectOption(role);
  await form.getByRole("button", { name: "Send invitation" }).click();
  await expect(form.getByRole("status")).toHaveText(`Invitation sent to ${email}.`);
}

async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

test("alice invites a new colleague from acme's team page", async ({ page }) => {
  await signIn(page, "alice@acme.test");
  await page.getByRole("link", { name: "Team", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Team", exact: true })).toBeVisible();
  await expect(page.getByTestId("member-alice@acme.test").getByTestId("member-role")).toHaveText("owner");

  await invite(page, newcomer, "member");
  const row = page.getByTestId(`invitation-${newcomer}`);
  await expect(row.getByTestId("invitation-status")).toHaveText("pending");
  await expect(page.getByTestId("seat-usage")).toContainText("1 pending invitations");

  // A second invitation to the same address is refused, naming the field.
  const form = page.getByRole("form", { name: "Invite someone" });
  await form.getByLabel("E-mail").fill(newcomer);
  await form.getByRole("button", { name: "Send invitation" }).click();
  await expect(form.getByText("already has a pending invitation", { exact: false }).first()).toBeVisible();
});

test("the invitation arrives over SMTP in acme's colours; the colleague signs up and lands in the team", async ({
  page,
}, testInfo) => {
  await expect.poll(() => mail.invitationsTo(newcomer).length).toBe(1);
  const [sent] = mail.invitationsTo(newcomer);
  expect(sent.decoded).toMatch(/^From: "?Acme Accounting"? <no-reply@logiaccounting\.test>/m);
  expect(sent.decoded).toContain("Subject: Alice Archer invited you to Acme Accounting");
  expect(sent.html).toContain(ACME_RED);
  const link = /http:\/\/[^\s"<>]+\/invite\/[A-Za-z0-9_-]{43}/.exec(sent.decoded)?.[0];
  expect(link).toBeTruthy();
  expect(new URL(link!).host).toBe(`acme.localhost:${port}`);

  // The e-mail as a mail client shows it.
  await page.setContent(sent.html!);
  const shots = join(testInfo.project.testDir, "screenshots");
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, "team-invitation-e-mail.png") });

  await page.goto(link!);
  await expect(page.getByTestId("invitation-summary")).toContainText("invited you to join Acme Accounting as member");
  await expect(page.getByTestId("invited-email")).toHaveText(newcomer);
  const form = page.getByRole("form", { name: "Accept the invitation" });
  await form.getByLabel("Your name").fill("Nora Newcomer");
  await form.getByLabel("Choose a password").fill("short");
  await form.getByRole("button", { name: "Create account and join" }).click();
  await expect(form.getByRole("alert").first()).toBeVisible();
  await form.getByLabel("Choose a password").fill(NEW_PASSWORD);
  await form.getByRole("button", { name: "Create account and join" }).click();

  await expect(page).toHaveURL(acme("/team"));
  await expect(page.getByTestId("signed-in-as")).toContainText(`${newcomer} · member`);
  const me = page.getByTestId(`member-${newcomer}`);
  await expect(me).toContainText("Nora Newcomer");
  await expect(me.getByTestId("member-role")).toHaveText("member");
});

test("the used link says so, and alice sees the new member and the accepted invitation", async ({ page, browser }) => {
  const link = /http:\/\/[^\s"<>]+\/invite\/[A-Za-z0-9_-]{43}/.exec(mail.invitationsTo(newcomer)[0].decoded)![0];
  const stranger = await freshPage(browser);
  await stranger.goto(link);
  await expect(stranger.getByTestId("invitation-unavailable")).toHaveText("This invitation has already been accepted.");
  await stranger.context().close();

  await signIn(page, "alice@acme.test");
  await page.goto(acme("/team"));
  const member = page.getByTestId(`member-${newcomer}`);
  await expect(member.getByTestId("member-role")).toHaveText("member");
  await expect(member).not.toContainText("never"); // signed in on accepting
  await expect(page.getByTestId(`invitation-${newcomer}`).getByTestId("invitation-status")).toHaveText("accepted");

  // The owner promotes the newcomer to admin.
  await member.getByLabel("New role for Nora Newcomer").selectOption("admin");
  await member.getByRole("button", { name: "Change role" }).click();
  await expect(member.getByRole("status")).toHaveText("Nora Newcomer is now admin.");
  await page.reload();
  await expect(page.getByTestId(`member-${newcomer}`).getByTestId("member-role")).toHaveText("admin");
});

test("carol, who already has an account, joins acme as a viewer by signing in on the accept page", async ({
  page,
  browser,
}) => {
  await signIn(page, "alice@acme.test");
  await page.goto(acme("/team"));
  await invite(page, "carol@initech.test", "viewer");
  await expect.poll(() => mail.invitationsTo("carol@initech.test").length).toBe(1);
  const link = /http:\/\/[^\s"<>]+\/invite\/[A-Za-z0-9_-]{43}/.exec(
    mail.invitationsTo("carol@initech.test")[0].decoded,
  )![0];

  const carol = await freshPage(browser);
  await carol.goto(link);
  await expect(carol.getByTestId("invitation-summary")).toContainText("Sign in with your account to accept");
  const form = carol.getByRole("form", { name: "Accept the invitation" });
  await form.getByLabel("Your password").fill("wrong-password-1");
  await form.getByRole("button", { name: "Sign in and join" }).click();
  await expect(form.getByText("Wrong password for this account")).toBeVisible();
  await form.getByLabel("Your password").fill(PASSWORD);
  await form.getByRole("button", { name: "Sign in and join" }).click();
  // Viewers do not see the team: they land on the dashboard.
  await expect(carol).toHaveURL(acme("/"));
  await expect(carol.getByTestId("signed-in-as")).toContainText("carol@initech.test · viewer");
  await carol.context().close();

  await page.reload();
  await expect(page.getByTestId("member-carol@initech.test").getByTestId("member-role")).toHaveText("viewer");
});

test("a cancelled invitation's link stops working", async ({ page, browser }) => {
  const email = `cancelled-${Date.now().toString(36)}@example.test`;
  await signIn(page, "alice@acme.test");
  await page.goto(acme("/team"));
  await invite(page, email, "member");
  await expect.poll(() => mail.invitationsTo(email).length).toBe(1);
  const row = page.getByTestId(`invitation-${email}`);
  await row.getByRole("button", { name: "Cancel" }).click();
  await expect(row.getByTestId("invitation-status")).toHaveText("cancelled");

  const link = /http:\/\/[^\s"<>]+\/invite\/[A-Za-z0-9_-]{43}/.exec(mail.invitationsTo(email)[0].decoded)![0];
  const stranger = await freshPage(browser);
  await stranger.goto(link);
  await expect(stranger.getByTestId("invitation-unavailable")).toHaveText(
    "This invitation was cancelled by the workspace.",
  );
  await stranger.context().close();
});

interface ApiAnswer {
  status: number;
  type: string | null;
  body: Record<string, unknown> | null;
}

/** A fetch from inside the signed-in page: same origin, the session cookie, the browser's Origin header. */
async function api(page: Page, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  return page.evaluate(
    async ([method, path, body]) => {
      const response = await fetch(path as string, {
        method: method as string,
        headers: body === null ? {} : { "content-type": "application/json" },
        body: body === null ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        type: response.headers.get("content-type"),
        body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
      };
    },
    [method, path, body ?? null] as const,
  );
}

/** A POST from Node to 127.0.0.1 with the workspace's Host (Node cannot resolve *.localhost) and a chosen Origin. */
function rawPost(path: string, body: unknown, origin?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        headers: {
          host: `acme.localhost:${port}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
          ...(origin ? { origin, "sec-fetch-site": "cross-site" } : {}),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

const fieldsOf = (answer: ApiAnswer) =>
  ((answer.body?.errors as Array<{ field: string }> | undefined) ?? []).map((e) => e.field).sort();

test("the team API: problem+json naming fields, the last owner kept, and no cross-site acceptance", async ({
  page,
}) => {
  await signIn(page, "alice@acme.test");

  const invalid = await api(page, "POST", "/api/v1/tenant/invitations", { email: "nope", role: "emperor" });
  expect(invalid.status).toBe(422);
  expect(invalid.type).toContain("application/problem+json");
  expect(fieldsOf(invalid)).toEqual(["email", "role"]);
  const badFilter = await api(page, "GET", "/api/v1/tenant/invitations?status=lost");
  expect(badFilter.status).toBe(422);
  expect(fieldsOf(badFilter)).toEqual(["status"]);

  const team = await api(page, "GET", "/api/v1/tenant/team");
  expect(team.status).toBe(200);
  const members = team.body!.data as Array<{ userId: string; email: string; role: string }>;
  const alice = members.find((m) => m.email === "alice@acme.test")!;
  expect(alice.role).toBe("owner");
  const demote = await api(page, "PATCH", `/api/v1/tenant/team/${alice.userId}`, { role: "member" });
  expect(demote.status).toBe(409);
  expect(demote.body).toMatchObject({ status: 409, field: "role" });
  const leave = await api(page, "DELETE", `/api/v1/tenant/team/${alice.userId}`);
  expect(leave.status).toBe(409);

  const email = `api-${Date.now().toString(36)}@example.test`;
  const created = await api(page, "POST", "/api/v1/tenant/invitations", { email, role: "viewer" });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ email, role: "viewer", status: "pending" });
  expect(JSON.stringify(created.body)).not.toMatch(/token/i);
  await expect.poll(() => mail.invitationsTo(email).length).toBe(1);
  const token = mail.tokenFor(email);
  const path = `/api/v1/invitations/${token}/accept`;
  const account = { name: "Api Person", password: NEW_PASSWORD };

  // A form on another site posting to the accept endpoint: refused, the invitation stays pending.
  const crossSite = await rawPost(path, account, "http://evil.example");
  expect(crossSite.status).toBe(403);
  const stillPending = await api(page, "GET", "/api/v1/tenant/invitations?status=pending");
  expect((stillPending.body!.data as Array<{ email: string }>).map((i) => i.email)).toContain(email);

  // Another address cannot use it; the invited one can (a script sends no Origin).
  const wrong = await rawPost(path, { ...account, email: "someone-else@example.test" });
  expect(wrong.status).toBe(403);
  const accepted = await rawPost(path, account);
  expect(accepted.status).toBe(200);
  expect(JSON.parse(accepted.body)).toMatchObject({ email, role: "viewer", newAccount: true, signedIn: true });
  const again = await rawPost(path, account);
  expect(again.status).toBe(410);
  expect(JSON.parse(again.body)).toMatchObject({ reason: "accepted" });

  await page.goto(acme("/team"));
  await expect(page.getByTestId(`member-${email}`).getByTestId("member-role")).toHaveText("viewer");
});
