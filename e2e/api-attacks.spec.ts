import { expect, test, type APIRequestContext, type Browser, type BrowserContext } from "@playwright/test";
import { can, type Permission, type Role } from "../lib/auth/permissions";
import {
  ATTACK_READS,
  ATTACK_ROUTES,
  type Method,
  type Refs,
  type ResourceName,
  type ResourceRoute,
} from "./support/attack-routes";

/**
 * The cross-tenant attack suite over HTTP, generated from e2e/support/attack-routes.ts.
 * A = acme (attacker), B = initech (victim). Victim rows are created in B through B's API
 * key (session for session-only routes); then A — with its API key and with alice's
 * session — reads, updates, deletes and acts on every one of them through every item
 * route, lists every page of every list, points nested references at B's rows, and
 * replays everything on B's host (A's key and cookie) and on the root domain with
 * X-Tenant-ID. Every B row is read back after every attack and must be byte-for-byte
 * unchanged; a refusal other than 404 is accepted only where A's plan or role refuses
 * before any lookup (403), and those are counted by reason.
 */

const port = Number(process.env.E2E_PORT || 3300);
const root = `localhost:${port}`;
const HOST_A = `acme.${root}`;
const HOST_B = `initech.${root}`;
const PASSWORD = "demo-Passw0rd!";
/** API keys act as this role (lib/http/tenant-route.ts). */
const API_KEY_ROLE: Role = "member";

type Auth = { kind: "key"; key: string } | { kind: "session"; cookie: string; role: Role } | { kind: "none" };

interface Reply {
  status: number;
  text: string;
}

interface Tenant {
  host: string;
  key: Auth & { kind: "key" };
  session: Auth & { kind: "session" };
  features: Record<string, boolean>;
  /** The rows this suite created there, by resource (first one is the one nested references use). */
  own: Refs;
}

/** Whether the tenant's plan has the route's feature (a route without one is on every plan). */
const offers = (t: Pick<Tenant, "features">, route: { feature?: string }) =>
  !route.feature || Boolean(t.features[route.feature]);

test.describe.configure({ mode: "serial" });

async function call(
  request: APIRequestContext,
  host: string,
  method: Method,
  path: string,
  auth: Auth,
  body?: unknown,
  extra: Record<string, string> = {},
): Promise<Reply> {
  const headers: Record<string, string> = { host, ...extra };
  if (auth.kind === "key") headers.authorization = `Bearer ${auth.key}`;
  if (auth.kind === "session") {
    headers.cookie = auth.cookie;
    if (method !== "GET") headers.origin = `http://${host}`;
  }
  const response = await request.fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers,
    data: body,
    maxRedirects: 0,
    failOnStatusCode: false,
  });
  return { status: response.status(), text: await response.text() };
}

async function signInAndCreateKey(
  browser: Browser,
  host: string,
  email: string,
): Promise<{ context: BrowserContext; key: string; cookie: string }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`http://${host}/sign-in`);
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(email);
  await page.goto(`http://${host}/settings/api-keys`);
  await page.getByLabel("Key name").fill(`attack-suite ${email}`);
  await page.getByRole("button", { name: "Create API key" }).click();
  const key = (await page.getByTestId("new-api-key").locator("code").innerText()).trim();
  expect(key).toMatch(/^lak_/);
  const cookie = (await context.cookies(`http://${host}`)).map((c) => `${c.name}=${c.value}`).join("; ");
  await page.close();
  return { context, key, cookie };
}

test("tenant A cannot read, change, delete, list or reference tenant B's rows over HTTP", async ({
  browser,
  request,
}) => {
  test.setTimeout(120_000);
  const run = Date.now().toString(36);
  const leaks: string[] = [];
  const serverErrors: string[] = [];
  const refusals = new Map<string, number>();
  let attacks = 0;

  const note = (what: string, reply: Reply) => {
    if (reply.status >= 500) serverErrors.push(`${what} → ${reply.status} ${reply.text.slice(0, 200)}`);
  };

  // ── sessions and keys ──────────────────────────────────────────────────────────────
  const [a, b] = await Promise.all([
    signInAndCreateKey(browser, HOST_A, "alice@acme.test"),
    signInAndCreateKey(browser, HOST_B, "carol@initech.test"),
  ]);
  async function tenant(host: string, made: { key: string; cookie: string }): Promise<Tenant> {
    const key = { kind: "key" as const, key: made.key };
    const me = await call(request, host, "GET", "/api/v1/tenant", key);
    expect(me.status, me.text).toBe(200);
    const meSession = await call(request, host, "GET", "/api/v1/tenant", {
      kind: "session",
      cookie: made.cookie,
      role: "viewer",
    });
    expect(meSession.status, meSession.text).toBe(200);
    const role = JSON.parse(meSession.text).actor.role as Role;
    return {
      host,
      key,
      session: { kind: "session", cookie: made.cookie, role },
      features: JSON.parse(me.text).features,
      own: {},
    };
  }
  const A = await tenant(HOST_A, a);
  const B = await tenant(HOST_B, b);
  expect(A.key.key).not.toBe(B.key.key);

  const routeOf = (name: ResourceName): ResourceRoute => {
    const route = ATTACK_ROUTES.find((r) => r.name === name);
    if (!route) throw new Error(`no attack route for ${name}`);
    return route;
  };
  /** The victim tenant's own credential for a route: its key, or its session for session-only routes. */
  const ownerAuth = (t: Tenant, route: ResourceRoute): Auth => (route.sessionOnly ? t.session : t.key);

  async function createRow(t: Tenant, route: ResourceRoute, tag: string): Promise<string> {
    const refs: Refs = {};
    for (const need of route.create.needs) refs[need] = await ensureOwn(t, need);
    const reply = await call(request, t.host, "POST", route.base, ownerAuth(t, route), route.create.body(refs, tag));
    expect(reply.status, `${t.host} POST ${route.base}: ${reply.text}`).toBe(201);
    return JSON.parse(reply.text).id as string;
  }
  async function ensureOwn(t: Tenant, name: ResourceName): Promise<string> {
    const route = routeOf(name);
    if (!t.own[name] && (!route.feature || t.features[route.feature] !== false))
      t.own[name] = await createRow(t, route, `${name}-${run}`);
    if (!t.own[name]) throw new Error(`${t.host} cannot create ${name}`);
    return t.own[name];
  }

  /** Every row of a list, following nextCursor; each page's raw text is kept too. */
  async function listAll(
    host: string,
    route: ResourceRoute,
    auth: Auth,
    query: Record<string, string> = {},
  ): Promise<{ status: number; rows: Record<string, unknown>[]; pages: Reply[] }> {
    const rows: Record<string, unknown>[] = [];
    const pages: Reply[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 200; page++) {
      const params = new URLSearchParams({ ...query, limit: "100", ...(cursor ? { cursor } : {}) });
      const reply = await call(request, host, "GET", `${route.base}?${params}`, auth);
      pages.push(reply);
      if (reply.status !== 200) return { status: reply.status, rows, pages };
      const body = JSON.parse(reply.text) as { data: Record<string, unknown>[]; nextCursor?: string | null };
      rows.push(...body.data);
      cursor = body.nextCursor ?? null;
      if (!cursor) break;
    }
    return { status: 200, rows, pages };
  }

  /** The victim row as B sees it, as text: GET :id, or its entry in the list. */
  async function snapshot(route: ResourceRoute, id: string): Promise<string> {
    const auth = ownerAuth(B, route);
    if (route.itemGet) {
      const reply = await call(request, B.host, "GET", `${route.base}/${id}`, auth);
      return `${reply.status} ${reply.text}`;
    }
    const { status, rows } = await listAll(B.host, route, auth);
    const row = rows.find((r) => r.id === id);
    if (!row) return `${status} missing`;
    const kept = Object.fromEntries(Object.entries(row).filter(([k]) => !(route.volatile ?? []).includes(k)));
    return `${status} ${JSON.stringify(kept)}`;
  }

  // ── victim rows in B ───────────────────────────────────────────────────────────────
  const victims = new Map<ResourceName, { id: string; label: string }[]>();
  for (const route of ATTACK_ROUTES) {
    if (!offers(B, route)) continue;
    const rows = [{ id: await ensureOwn(B, route.name), label: "created" }];
    for (const variant of route.create.variants ?? []) {
      const id = await createRow(B, route, `${route.name}-${variant.label}-${run}`);
      for (const action of variant.actions) {
        const reply = await call(request, B.host, "POST", `${route.base}/${id}${action}`, ownerAuth(B, route));
        expect(reply.status, reply.text).toBeLessThan(300);
      }
      rows.push({ id, label: variant.label });
    }
    // A couple of B's pre-existing rows (the demo data, or B's own working API key).
    const existing = await listAll(B.host, route, ownerAuth(B, route));
    expect(existing.status).toBe(200);
    for (const row of existing.rows.filter((r) => !rows.some((v) => v.id === r.id)).slice(0, 2))
      rows.push({ id: String(row.id), label: "existing" });
    victims.set(route.name, rows);
  }
  const victimRefs: Refs = Object.fromEntries([...victims].map(([name, rows]) => [name, rows[0].id]));

  /** Every id B has, in every list: the needles for A's lists and the "nothing created in B" check. */
  async function allIdsOfB(): Promise<Map<ResourceName, string[]>> {
    const ids = new Map<ResourceName, string[]>();
    for (const route of ATTACK_ROUTES) {
      if (!offers(B, route)) continue;
      const { status, rows } = await listAll(B.host, route, ownerAuth(B, route));
      expect(status).toBe(200);
      ids.set(route.name, rows.map((r) => String(r.id)).sort());
    }
    return ids;
  }
  const idsOfBBefore = await allIdsOfB();
  const bIds = [...idsOfBBefore.values()].flat();
  const mentionsB = (text: string) => bIds.find((id) => text.includes(id));
  const before = new Map<string, string>();
  for (const route of ATTACK_ROUTES)
    for (const v of victims.get(route.name) ?? []) before.set(v.id, await snapshot(route, v.id));

  /** What A must get back: 404 for a lookup, or 403 where plan or role refuses before any lookup. */
  function expectation(
    auth: Auth,
    route: { feature?: string; sessionOnly?: boolean },
    permission: Permission,
    lookup: number,
  ): { status: number; reason?: string } {
    if (auth.kind === "key" && route.sessionOnly) return { status: 403, reason: "session-only route (API key)" };
    const role = auth.kind === "key" ? API_KEY_ROLE : auth.kind === "session" ? auth.role : "viewer";
    if (!can(role, permission)) return { status: 403, reason: `role ${role} lacks ${permission}` };
    if (route.feature && !offers(A, route)) return { status: 403, reason: `plan lacks ${route.feature}` };
    return { status: lookup };
  }

  async function attack(
    what: string,
    host: string,
    method: Method,
    path: string,
    auth: Auth,
    expected: { status: number; reason?: string },
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<Reply> {
    attacks++;
    const reply = await call(request, host, method, path, auth, body, extra);
    note(what, reply);
    if (reply.status !== expected.status)
      leaks.push(`${what}: expected ${expected.status}, got ${reply.status} ${reply.text.slice(0, 200)}`);
    else if (expected.reason) refusals.set(expected.reason, (refusals.get(expected.reason) ?? 0) + 1);
    const leaked = mentionsB(reply.text);
    if (leaked && reply.status !== 201) leaks.push(`${what}: the answer mentions B's id ${leaked}`);
    return reply;
  }

  async function assertUnchanged(what: string, route: ResourceRoute, id: string): Promise<void> {
    const now = await snapshot(route, id);
    if (now !== before.get(id)) leaks.push(`${what}: B's ${route.name} ${id} changed: ${now.slice(0, 300)}`);
  }

  // ── controls: B's victim rows read back fine, and every item route exists (on A's own rows) ─
  for (const [id, text] of before) expect(text.startsWith("200 "), `B's row ${id}: ${text}`).toBe(true);
  let controls = 0;
  for (const route of ATTACK_ROUTES) {
    if (!offers(A, route)) continue;
    const id = await createRow(A, route, `control-${route.name}-${run}`);
    // Deletes last, so the other operations still find the row.
    const ops = [...route.items].sort((x, y) => Number(x.method === "DELETE") - Number(y.method === "DELETE"));
    for (const op of ops) {
      const path = `${route.base}/${id}${op.suffix}`;
      const reply = await call(request, A.host, op.method, path, A.session, op.body?.(`control-${run}`));
      controls++;
      note(`[control] ${op.method} ${path}`, reply);
      // A business refusal (409/422) is fine; 404 would mean the route is not where the list says.
      expect(reply.status, `[control] ${op.method} ${path}: ${reply.text}`).not.toBe(404);
      expect(reply.status, `[control] ${op.method} ${path}: ${reply.text}`).toBeLessThan(500);
    }
  }

  const modes: { label: string; auth: Auth }[] = [
    { label: "A key", auth: A.key },
    { label: "A session", auth: A.session },
  ];

  // ── 1. item routes with B's ids on A's host ────────────────────────────────────────
  // Routes run side by side (their victim rows are distinct); each route's attacks in order.
  await Promise.all(
    ATTACK_ROUTES.map(async (route) => {
      for (const { label, auth } of modes)
        for (const victim of victims.get(route.name) ?? [])
          for (const op of route.items) {
            const path = `${route.base}/${victim.id}${op.suffix}`;
            const what = `[${label}] ${op.method} ${path} (${victim.label})`;
            await attack(
              what,
              A.host,
              op.method,
              path,
              auth,
              expectation(auth, route, op.permission, 404),
              op.body?.(run),
            );
            await assertUnchanged(what, route, victim.id);
          }
    }),
  );

  // ── 2. nested references from A's rows to B's rows ────────────────────────────────
  for (const { label, auth } of modes)
    for (const route of ATTACK_ROUTES)
      for (const ref of route.references ?? []) {
        const foreign = victimRefs[ref.target];
        if (!foreign || !offers(A, route)) continue;
        const ownRefs: Refs = {};
        for (const need of route.create.needs) ownRefs[need] = await ensureOwn(A, need);
        const refs = { ...ownRefs, [ref.target]: foreign };
        if (ref.create) {
          const what = `[${label}] POST ${route.base} with ${ref.field} = B's ${ref.target}`;
          const reply = await attack(
            what,
            A.host,
            "POST",
            route.base,
            auth,
            expectation(auth, route, route.create.permission, 422),
            ref.create(refs, `ref-${run}`),
          );
          if (reply.status === 201) leaks.push(`${what}: created ${reply.text.slice(0, 200)}`);
        }
        if (ref.patch) {
          const own = await ensureOwn(A, route.name);
          const path = `${route.base}/${own}`;
          const ownBefore = await call(request, A.host, "GET", path, A.key);
          const what = `[${label}] PATCH ${path} with ${ref.field} = B's ${ref.target}`;
          await attack(
            what,
            A.host,
            "PATCH",
            path,
            auth,
            expectation(auth, route, "records:update", 422),
            ref.patch(refs, `ref-${run}`),
          );
          const ownAfter = await call(request, A.host, "GET", path, A.key);
          if (ownAfter.text !== ownBefore.text)
            leaks.push(`${what}: A's row changed to ${ownAfter.text.slice(0, 200)}`);
        }
      }

  // ── 3. A's lists (every page, and filtered by B's ids) and read-only endpoints ─────
  for (const { label, auth } of modes) {
    for (const route of ATTACK_ROUTES) {
      const queries = [{}, ...(route.listFilters?.(victimRefs) ?? [])];
      for (const query of queries) {
        attacks++;
        const what = `[${label}] list ${route.base}?${new URLSearchParams(query)}`;
        const expected = expectation(auth, route, route.listPermission, 200);
        const list = await listAll(A.host, route, auth, query);
        for (const page of list.pages) note(what, page);
        if (list.status !== expected.status) leaks.push(`${what}: expected ${expected.status}, got ${list.status}`);
        else if (expected.reason) refusals.set(expected.reason, (refusals.get(expected.reason) ?? 0) + 1);
        for (const page of list.pages) {
          const leaked = mentionsB(page.text);
          if (leaked) leaks.push(`${what}: lists B's id ${leaked}`);
        }
        if (Object.keys(query).length > 0 && list.rows.length > 0)
          leaks.push(`${what}: ${list.rows.length} rows for B's ids`);
      }
    }
    for (const read of ATTACK_READS)
      for (const path of read.paths(bIds))
        await attack(
          `[${label}] GET ${path}`,
          A.host,
          "GET",
          path,
          auth,
          expectation(auth, read, read.permission, 200),
        );
  }

  // ── 4. A's credentials on B's host, and B's tenant named by X-Tenant-ID on the root ─
  const crossings: { label: string; host: string; auth: Auth; extra: Record<string, string>; status: number }[] = [
    { label: "A key on B's host", host: B.host, auth: A.key, extra: {}, status: 401 },
    { label: "A session cookie on B's host", host: B.host, auth: A.session, extra: {}, status: 401 },
    {
      label: "A key, X-Tenant-ID: initech on the root",
      host: root,
      auth: A.key,
      extra: { "x-tenant-id": "initech" },
      status: 403,
    },
  ];
  await Promise.all(
    ATTACK_ROUTES.map(async (route) => {
      for (const crossing of crossings) {
        const expected = { status: crossing.status };
        const create = route.create.body(victimRefs, `cross-${run}`);
        await attack(
          `[${crossing.label}] GET ${route.base}`,
          crossing.host,
          "GET",
          route.base,
          crossing.auth,
          expected,
          undefined,
          crossing.extra,
        );
        await attack(
          `[${crossing.label}] POST ${route.base}`,
          crossing.host,
          "POST",
          route.base,
          crossing.auth,
          expected,
          create,
          crossing.extra,
        );
        for (const victim of victims.get(route.name) ?? [])
          for (const op of route.items) {
            const path = `${route.base}/${victim.id}${op.suffix}`;
            const what = `[${crossing.label}] ${op.method} ${path} (${victim.label})`;
            await attack(what, crossing.host, op.method, path, crossing.auth, expected, op.body?.(run), crossing.extra);
            await assertUnchanged(what, route, victim.id);
          }
      }
    }),
  );

  // ── nothing was created in B, and A holds nothing that points to B ─────────────────
  const idsOfBAfter = await allIdsOfB();
  for (const [name, ids] of idsOfBBefore)
    if (JSON.stringify(idsOfBAfter.get(name)) !== JSON.stringify(ids))
      leaks.push(`B's ${name} changed from ${ids.length} to ${idsOfBAfter.get(name)?.length} rows`);
  for (const route of ATTACK_ROUTES) {
    if (!offers(A, route) || route.sessionOnly) continue;
    const list = await listAll(A.host, route, A.key);
    if (!route.itemGet) continue;
    await Promise.all(
      list.rows.map(async (row) => {
        const item = await call(request, A.host, "GET", `${route.base}/${String(row.id)}`, A.key);
        const leaked = mentionsB(item.text);
        if (leaked) leaks.push(`A's ${route.name} ${String(row.id)} points to B's ${leaked}`);
      }),
    );
  }

  await Promise.all([a.context.close(), b.context.close()]);

  const refused = [...refusals].map(([reason, n]) => `${reason}: ${n}`).join("; ");
  console.log(`HTTP attack suite: ${attacks} attacks, ${leaks.length} leaks, ${serverErrors.length} server errors`);
  console.log(`  controls on A's own rows: ${controls} (every item route answers)`);
  console.log(`  victim rows: ${[...victims].map(([n, rows]) => `${n} ${rows.length}`).join(", ")}`);
  console.log(`  refused with 403 before any lookup: ${refused || "none"}`);
  expect(serverErrors, serverErrors.join("\n")).toEqual([]);
  expect(leaks, leaks.join("\n")).toEqual([]);
  expect(attacks).toBeGreaterThan(100);
});
