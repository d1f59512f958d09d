import { keepScreenshot } from "./support/browser";
import { expect, test } from "@playwright/test";

/**
 * What a visitor sees on a fresh embedded start: the platform's landing page with the
 * plans, a tenant's branded workspace on its subdomain, and 404s for hosts and paths that
 * belong to no tenant.
 */

const port = Number(process.env.E2E_PORT || 3300);
const root = `localhost:${port}`;

test.afterEach(keepScreenshot);

test("the landing page lists the five plans with their prices", async ({ page }) => {
  const response = await page.goto(`http://${root}/`);
  expect(response?.status()).toBe(200);

  const cards = page.locator("[data-testid=plan-card]");
  await expect(cards).toHaveCount(5);
  const order = await cards.evaluateAll((elements) => elements.map((e) => e.getAttribute("data-plan")));
  expect(order).toEqual(["free", "standard", "professional", "business", "enterprise"]);

  const expected: Array<[plan: string, name: string, price: string]> = [
    ["free", "Free", "$0"],
    ["standard", "Standard", "$29"],
    ["professional", "Professional", "$79"],
    ["business", "Business", "$199"],
    ["enterprise", "Enterprise", "Contact sales"],
  ];
  for (const [plan, name, price] of expected) {
    const card = page.locator(`[data-testid=plan-card][data-plan=${plan}]`);
    await expect(card.getByRole("heading", { level: 3 })).toHaveText(name);
    const priceText = (await card.getByTestId("plan-price").innerText()).replace(/\s+/g, " ").trim();
    if (price === "Contact sales") expect(priceText, plan).toBe("Contact sales");
    else expect(priceText, plan).toMatch(new RegExp(`^\\${price} / month\\b`));
  }
});

test("acme's subdomain shows Acme Accounting in its brand colour", async ({ page }) => {
  const response = await page.goto(`http://acme.${root}/`);
  expect(response?.status()).toBe(200);
  expect(new URL(page.url()).host).toBe(`acme.${root}`);

  await expect(page.getByTestId("tenant-name")).toHaveText("Acme Accounting");
  const workspace = page.locator("[data-tenant=acme]");
  await expect(workspace).toHaveCount(1);
  expect(await workspace.getAttribute("style")).toMatch(/--brand-primary:\s*#dc2626/i);
  // #dc2626 as the browser computes it on the branded header.
  await expect(workspace.locator("header").first()).toHaveCSS("background-color", "rgb(220, 38, 38)");
});

test("an unknown subdomain answers 404 with the not-found page", async ({ page }) => {
  const response = await page.goto(`http://nosuch.${root}/`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("This workspace or page does not exist");
  await expect(page.getByTestId("tenant-name")).toHaveCount(0);
});

test("a tenant path typed on the root domain is 404", async ({ page }) => {
  const response = await page.goto(`http://${root}/acme`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("This workspace or page does not exist");
  await expect(page.getByText("Acme Accounting")).toHaveCount(0);
});
