import { createHmac } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { expect, test, type Page } from "@playwright/test";
import { keepScreenshot } from "./support/browser";

/**
 * Tenant settings in the browser, each on a workspace of its own (made through the public
 * signup, so the demo tenants other specs use keep their branding and sign-in):
 * - an owner changes the brand colour and uploads a logo and favicon; every page of the
 *   workspace shows them on the next load (screenshots before and after);
 * - the settings API answers bad values with 422 naming the field, and the IP allow-list
 *   refuses to lock its author out until confirmed;
 * - a workspace that requires two-step sign-in leads its owner through enrolment, and the
 *   next sign-in asks for the code.
 */

const port = Number(process.env.E2E_PORT || 3300);
const root = `localhost:${port}`;
const PASSWORD = "Settings-Passw0rd";

test.afterEach(keepScreenshot);
test.describe.configure({ timeout: 120_000 });

function shot(page: Page, name: string): Promise<Buffer> {
  const dir = join(process.cwd(), "e2e", "screenshots");
  mkdirSync(dir, { recursive: true });
  return page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Signs up a new Professional workspace and lands in it signed in as its owner. */
async function newWorkspace(page: Page, prefix: string): Promise<{ origin: string; email: string }> {
  const slug = `${prefix}${Date.now().toString(36)}`;
  const email = `owner@${slug}.test`;
  await page.goto(`http://${root}/signup`);
  await page.getByLabel("Company name").fill(`${prefix} Company`);
  await page.getByLabel("Workspace address").fill(slug);
  await expect(page.getByTestId("slug-status")).toContainText("is available");
  await page.getByLabel("Your name").fill("Owner");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel("Plan").selectOption("professional");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByTestId("provisioning-progress")).toHaveAttribute("data-status", "active", { timeout: 60_000 });
  await page.getByRole("button", { name: "Open your workspace" }).click();
  await page.getByRole("button", { name: /^Continue to / }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(`${email} · owner`);
  return { origin: `http://${slug}.${root}`, email };
}

// ---- a real PNG (solid colour), so the browser renders the uploaded logo ----
function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
function png(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0).map((_, i) => [r, g, b][i % 3])]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", pixels), chunk("IEND", Buffer.alloc(0))]);
}

// ---- TOTP (RFC 6238) as an authenticator app computes it ----
function base32Decode(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text.replace(/\s/g, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}
function totp(secret: string, at = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/** A JSON call from inside the page: same origin, the session cookie, the Origin header. */
async function api(page: Page, method: string, path: string, body?: unknown) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        type: response.headers.get("content-type"),
        body: text ? JSON.parse(text) : null,
      };
    },
    { method, path, body },
  );
}

async function upload(page: Page, path: string, bytes: Buffer, type: string) {
  return page.evaluate(
    async ({ path, data, type }) => {
      const form = new FormData();
      form.append("file", new Blob([new Uint8Array(data)], { type }), "upload");
      const response = await fetch(path, { method: "POST", body: form });
      return { status: response.status, body: await response.json() };
    },
    { path, data: [...bytes], type },
  );
}

const TEAL = "rgb(15, 118, 110)";

test("an owner changes the brand colour, logo and favicon; every page shows them on the next load", async ({
  page,
  browser,
}) => {
  const { origin } = await newWorkspace(page, "brand");
  const header = page.locator("header").first();
  const before = await header.evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(before).not.toBe(TEAL);
  await shot(page, "settings-branding-before");

  await page.goto(`${origin}/settings`);
  const colours = page.getByRole("form", { name: "Branding colours" });
  // The live preview follows the input before anything is saved.
  await colours.getByLabel("Primary colour", { exact: true }).fill("#0f766e");
  await expect(page.getByTestId("branding-preview").locator("div").first()).toHaveCSS("background-color", TEAL);
  await expect(header).not.toHaveCSS("background-color", TEAL);
  // A bad colour is refused next to its field.
  await colours.getByLabel("Secondary colour", { exact: true }).fill("#12345");
  await colours.getByRole("button", { name: "Save colours" }).click();
  await expect(page.locator('[data-field-error="secondaryColor"]')).toContainText("colour like");
  await colours.getByLabel("Secondary colour", { exact: true }).fill("#134e4a");
  await colours.getByRole("button", { name: "Save colours" }).click();
  await expect(page.getByTestId("branding-saved")).toHaveText("Saved.");

  // An SVG is refused (scripts), a PNG logo and favicon are taken.
  const logoForm = page.getByRole("form", { name: "Logo", exact: true });
  await logoForm.getByLabel("Logo file").setInputFiles({
    name: "logo.svg",
    mimeType: "image/svg+xml",
    buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
  });
  await logoForm.getByRole("button", { name: "Upload" }).click();
  await expect(logoForm.locator('[data-field-error="file"]')).toContainText("SVG");
  await logoForm
    .getByLabel("Logo file")
    .setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: png(120, 32, [250, 204, 21]) });
  await logoForm.getByRole("button", { name: "Upload" }).click();
  await expect(logoForm.getByRole("status")).toHaveText("Uploaded.");
  const faviconForm = page.getByRole("form", { name: "Favicon" });
  await faviconForm
    .getByLabel("Favicon file")
    .setInputFiles({ name: "favicon.png", mimeType: "image/png", buffer: png(32, 32, [15, 118, 110]) });
  await faviconForm.getByRole("button", { name: "Upload" }).click();
  await expect(faviconForm.getByRole("status")).toHaveText("Uploaded.");

  // Every page of the workspace, loaded afresh: colour, logo, favicon and title.
  for (const path of [
    "/",
    "/customers",
    "/invoices",
    "/products",
    "/projects",
    "/reports",
    "/settings",
    "/settings/api-keys",
    "/account/security",
  ]) {
    await page.goto(`${origin}${path}`);
    await expect(header, path).toHaveCSS("background-color", TEAL);
    const logo = page.getByTestId("tenant-logo");
    await expect(logo, path).toBeVisible();
    expect(await logo.evaluate((img: HTMLImageElement) => img.naturalWidth), path).toBe(120);
    await expect(page.locator('link[rel="icon"]'), path).toHaveAttribute("href", /\/branding\/favicon\?v=[0-9a-f]{16}/);
    await expect(page, path).toHaveTitle(/brand Company/);
  }
  // The file itself: its type from its bytes, never sniffed.
  const served = await page.evaluate(async () => {
    const link = document.querySelector('link[rel="icon"]')!.getAttribute("href")!;
    const response = await fetch(link);
    return { type: response.headers.get("content-type"), nosniff: response.headers.get("x-content-type-options") };
  });
  expect(served).toEqual({ type: "image/png", nosniff: "nosniff" });

  await page.goto(origin);
  await shot(page, "settings-branding-after");

  // A visitor who is not signed in sees the brand on the sign-in page too.
  const visitor = await browser.newContext();
  const anonymous = await visitor.newPage();
  await anonymous.goto(`${origin}/sign-in`);
  await expect(anonymous.locator("header").first()).toHaveCSS("background-color", TEAL);
  await expect(anonymous.getByTestId("tenant-logo")).toBeVisible();
  await visitor.close();
});

test("the settings API validates every section and never locks its caller out silently", async ({ page }) => {
  const { origin } = await newWorkspace(page, "api");
  await page.goto(`${origin}/settings`);

  const settings = await api(page, "GET", "/api/v1/tenant/settings");
  expect(settings.status).toBe(200);
  expect(settings.body).toMatchObject({ locale: { timezone: "UTC", currency: "USD" }, security: { ipAllowList: [] } });

  const saved = await api(page, "PUT", "/api/v1/tenant/settings", {
    legalName: "API Company Ltd",
    timezone: "Asia/Tokyo",
    currency: "JPY",
    dateFormat: "DD/MM/YYYY",
  });
  expect(saved.status).toBe(200);
  expect(saved.body.general.legalName).toBe("API Company Ltd");
  expect(saved.body.locale).toMatchObject({ timezone: "Asia/Tokyo", currency: "JPY", dateFormat: "DD/MM/YYYY" });

  for (const [path, body, field] of [
    ["/api/v1/tenant/settings", { timezone: "Mars/Base" }, "timezone"],
    ["/api/v1/tenant/settings", { currency: "XYZ" }, "currency"],
    ["/api/v1/tenant/settings/branding", { primaryColor: "red" }, "primaryColor"],
    ["/api/v1/tenant/settings/security", { ipAllowList: ["300.1.1.1/8"] }, "ipAllowList.0"],
    ["/api/v1/tenant/settings/security", { sessionTimeoutMinutes: 0 }, "sessionTimeoutMinutes"],
    ["/api/v1/tenant/settings/notifications", { sender: { fromAddress: "nobody" } }, "sender.fromAddress"],
  ] as const) {
    const result = await api(page, "PUT", path, body);
    expect(result.status, JSON.stringify(body)).toBe(422);
    expect(result.type).toBe("application/problem+json");
    expect(result.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
  }
  const svg = await upload(page, "/api/v1/tenant/settings/branding/logo", Buffer.from("<svg/>"), "image/png");
  expect(svg).toMatchObject({ status: 422, body: { errors: [{ field: "file" }] } });
  const favicon = await upload(page, "/api/v1/tenant/settings/branding/favicon", png(64, 64, [1, 2, 3]), "image/png");
  expect(favicon).toMatchObject({ status: 201, body: { contentType: "image/png" } });
  const tooBig = await upload(
    page,
    "/api/v1/tenant/settings/branding/favicon",
    Buffer.concat([png(8, 8, [1, 2, 3]), Buffer.alloc(200 * 1024)]),
    "image/png",
  );
  expect(tooBig).toMatchObject({ status: 422, body: { errors: [{ field: "file" }] } });

  // The allow-list: a list that includes this browser's address is saved as is …
  const loopback = ["127.0.0.0/8", "::1/128"];
  expect((await api(page, "PUT", "/api/v1/tenant/settings/security", { ipAllowList: loopback })).status).toBe(200);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Settings", exact: true })).toBeVisible();
  // … one without it is refused with a warning naming the address, and nothing changes …
  const lockout = await api(page, "PUT", "/api/v1/tenant/settings/security", { ipAllowList: ["10.0.0.0/8"] });
  expect(lockout.status).toBe(422);
  expect(lockout.body.errors[0]).toMatchObject({ field: "ipAllowList" });
  expect(lockout.body.errors[0].message).toContain("lock you out");
  expect((await api(page, "GET", "/api/v1/tenant/settings")).body.security.ipAllowList).toEqual(loopback);
  await shot(page, "settings-before-lockout");
  // … and saved only when confirmed; from then on this address is refused.
  expect(
    (await api(page, "PUT", "/api/v1/tenant/settings/security", { ipAllowList: ["10.0.0.0/8"], confirmLockout: true }))
      .status,
  ).toBe(200);
  const response = await page.goto(`${origin}/settings`);
  expect(response?.status()).toBe(403);
  await expect(page.getByTestId("status-page")).toContainText("allow-list");
});

test("a workspace that requires two-step sign-in leads its owner through enrolment; the next sign-in asks for the code", async ({
  page,
}) => {
  const { origin, email } = await newWorkspace(page, "mfa");
  await page.goto(`${origin}/settings`);
  const security = page.getByRole("form", { name: "Security" });
  await security.getByLabel("Require two-step sign-in for every member").check();
  await security.getByRole("button", { name: "Save security settings" }).click();
  // The page re-renders at once: the owner has no MFA yet, so the enrolment replaces it.
  await expect(page.getByRole("heading", { name: /requires two-step sign-in/ })).toBeVisible();

  // From now on every page of the workspace is the enrolment until the owner has set it up.
  await page.goto(`${origin}/customers`);
  await expect(page.getByRole("heading", { name: /requires two-step sign-in/ })).toBeVisible();
  await page.getByRole("button", { name: "Set up two-step sign-in" }).click();
  const secret = (await page.getByTestId("mfa-secret").textContent())!.replace(/\s/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expect(page.getByTestId("mfa-uri")).toContainText(`otpauth://totp/`);
  await expect(page.getByRole("img", { name: "QR code of the two-step sign-in setup link" })).toBeVisible();
  await page.getByLabel("Code from the app").fill("000000" === totp(secret) ? "111111" : "000000");
  await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  await expect(page.locator("#code-error")).toContainText("not valid");
  const enrolmentCode = totp(secret);
  await page.getByLabel("Code from the app").fill(enrolmentCode);
  await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  const codes = page.getByTestId("mfa-recovery-codes");
  await expect(codes.locator("li")).toHaveCount(10);
  const recovery = (await codes.locator("li").first().textContent())!;
  await shot(page, "settings-mfa-recovery-codes");
  await page.getByRole("link", { name: "Continue" }).click();
  await expect(page).toHaveURL(`${origin}/customers`);
  await expect(page.getByRole("heading", { name: "Customers" })).toBeVisible();

  // Sign out and in again: the password alone is not enough.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(`${origin}/sign-in`);
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("form", { name: "Two-step verification" })).toBeVisible();
  // The code that turned MFA on was used already: it does not work twice. (The very code, not
  // the current one: a 30 s step may have begun since, and its code is a new, valid one.)
  await page.getByLabel("Verification code").fill(enrolmentCode);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("form", { name: "Two-step verification" }).getByRole("alert")).toContainText("not valid");
  await page.getByLabel("Verification code").fill(totp(secret, Date.now() + 30_000));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(`${email} · owner`);

  // A recovery code works once instead of the app.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(`${origin}/sign-in`);
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByLabel("Verification code").fill(recovery);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(email);
  await page.goto(`${origin}/account/security`);
  await expect(page.getByTestId("mfa-status")).toContainText("9 recovery codes left");
});
