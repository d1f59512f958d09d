import { expect, test, type Page } from "@playwright/test";
import { verifySignature } from "../lib/integrations/signature";
import { startReceiver, type Receiver } from "../test/integrations/receiver";
import { keepScreenshot } from "./support/browser";

/**
 * Integrations: alice (owner of acme) adds an endpoint on Settings → Integrations, copies
 * its signing secret (shown once), sends a test event, creates a customer — and a real HTTP
 * receiver gets both, signed with that secret. The page then lists the deliveries; deleting
 * the endpoint gives its integration slot back. (The e2e server allows the receiver's
 * loopback address: WEBHOOK_ALLOW_PRIVATE_TARGETS=1 in e2e/serve.mjs.)
 */

const port = Number(process.env.E2E_PORT || 3300);
const acme = `http://acme.localhost:${port}`;
const PASSWORD = "demo-Passw0rd!";

let receiver: Receiver;

test.beforeAll(async () => {
  receiver = await startReceiver();
});
test.afterAll(async () => {
  await receiver.close();
});
test.afterEach(keepScreenshot);

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${acme}/sign-in`);
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(email);
}

/** The deliveries of one event type this receiver got so far (other specs also change acme's data). */
const receivedOf = (type: string) =>
  receiver.received.filter((r) => r.headers["logiaccounting-event-type"] === type && r.path === "/hooks");

test("alice connects an endpoint, and acme's events reach it signed with the secret she was shown once", async ({
  page,
}) => {
  await signIn(page, "alice@acme.test");
  await page.goto(`${acme}/settings/integrations`);
  const quota = page.getByTestId("integrations-quota");
  const usedBefore = Number(/^(\d+) of/.exec((await quota.textContent()) ?? "")?.[1]);

  // Nothing chosen: the form says what is missing and keeps nothing.
  const form = page.getByTestId("new-webhook");
  await form.getByLabel("Endpoint URL").fill(receiver.url);
  await form.getByRole("button", { name: "Add endpoint" }).click();
  await expect(form.getByText("Choose at least one event")).toBeVisible();

  await form.getByLabel("Endpoint URL").fill(receiver.url);
  await form.getByLabel("Description (optional)").fill("Our CRM");
  await form.getByLabel("customer.created").check();
  await form.getByRole("button", { name: "Add endpoint" }).click();
  const secret = (await page.getByTestId("webhook-secret").locator("code").textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);
  await expect(quota).toContainText(`${usedBefore + 1} of 10 integrations in use`);

  const endpoint = page.getByTestId("webhook").filter({ hasText: receiver.url });
  await endpoint.getByRole("button", { name: "Send a test event" }).click();
  await expect.poll(() => receivedOf("webhook.test").length, { timeout: 15_000 }).toBe(1);
  const test = receivedOf("webhook.test")[0];
  expect(verifySignature(secret, test.body, test.headers["logiaccounting-signature"] as string)).toBe(true);

  // A change in the app: the new customer arrives, signed, once the change is committed.
  await page.goto(`${acme}/customers/new`);
  await page.getByLabel("Name").fill("Hooked Industries");
  await page.getByRole("button", { name: "Create customer" }).click();
  await expect(page).toHaveURL(/\/customers\/[0-9a-f-]{36}$/);
  await expect
    .poll(() => receivedOf("customer.created").filter((r) => r.body.includes("Hooked Industries")).length, {
      timeout: 15_000,
    })
    .toBe(1);
  const created = receivedOf("customer.created").find((r) => r.body.includes("Hooked Industries"))!;
  expect(verifySignature(secret, created.body, created.headers["logiaccounting-signature"] as string)).toBe(true);
  expect(JSON.parse(created.body)).toMatchObject({ type: "customer.created", data: { name: "Hooked Industries" } });

  // The page lists what was sent.
  await page.goto(`${acme}/settings/integrations`);
  const deliveries = page.getByTestId("webhook").filter({ hasText: receiver.url }).getByTestId("deliveries");
  await expect(deliveries).toContainText("webhook.test");
  await expect(deliveries).toContainText("customer.created");
  await expect(deliveries).toContainText("delivered");

  // Deleting it gives the slot back.
  await page.getByTestId("webhook").filter({ hasText: receiver.url }).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByTestId("webhook").filter({ hasText: receiver.url })).toHaveCount(0);
  await expect(page.getByTestId("integrations-quota")).toContainText(`${usedBefore} of 10 integrations in use`);
});

test("the webhooks API: an id that is not this workspace's is not found, bad input names the fields", async ({
  page,
}) => {
  await signIn(page, "alice@acme.test");
  // Another workspace's endpoint id is simply not found for acme.
  const cookie = (await page.context().cookies(acme)).map((c) => `${c.name}=${c.value}`).join("; ");
  const missing = await page.request.get(
    `http://127.0.0.1:${port}/api/v1/tenant/webhooks/5c7e6a1e-0000-4000-8000-000000000000`,
    { headers: { host: `acme.localhost:${port}`, cookie } },
  );
  expect(missing.status()).toBe(404);
  expect(missing.headers()["content-type"]).toBe("application/problem+json");
  const bad = await page.request.post(`http://127.0.0.1:${port}/api/v1/tenant/webhooks`, {
    headers: { host: `acme.localhost:${port}`, cookie, origin: acme, "content-type": "application/json" },
    data: { url: "ftp://example.com", events: [] },
  });
  expect(bad.status()).toBe(422);
  const problem = (await bad.json()) as { errors?: { field: string }[] };
  expect(JSON.stringify(problem)).toContain("url");
  expect(JSON.stringify(problem)).toContain("events");
});
