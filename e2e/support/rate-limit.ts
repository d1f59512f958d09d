import type { APIResponse, Page } from "@playwright/test";

/** The rate limits' window (lib/rate-limit/policy.ts), restated: the specs check the server. */
export const WINDOW_MS = 10_000;

/**
 * Waits until at least `needMs` of the current 10 s window remain. A burst that crosses into
 * the next window is judged by the sliding window's weighted previous count there, so more
 * than the limit passes in all: the specs that count exact answers start in a fresh window.
 */
export async function startOfWindow(needMs: number): Promise<void> {
  const left = WINDOW_MS - (Date.now() % WINDOW_MS);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 20));
}

/**
 * `count` calls to the workspace API at once, with the page's session cookie for `host`
 * (`<tenant>.localhost:<port>`). Node cannot resolve *.localhost, so they go to 127.0.0.1
 * with the Host header.
 */
export async function apiBurst(page: Page, host: string, count: number): Promise<APIResponse[]> {
  const cookie = (await page.context().cookies(`http://${host}`)).map((c) => `${c.name}=${c.value}`).join("; ");
  const port = host.split(":")[1];
  return Promise.all(
    Array.from({ length: count }, () =>
      page.request.get(`http://127.0.0.1:${port}/api/v1/tenant`, { headers: { host, cookie } }),
    ),
  );
}
