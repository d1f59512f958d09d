import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  currentTenant,
  runInTenantContext,
  TenantContextMissingError,
  type TenantContext,
} from "@/lib/tenancy/context";

function contextOf(slug: string): TenantContext {
  return {
    tenant: { id: `id-${slug}`, slug, isolationLevel: "shared_database", tier: "free", features: {} },
    actor: { type: "system", reason: "test" },
  };
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("tenant context", () => {
  it("fails closed outside a context", () => {
    expect(() => currentTenant()).toThrow(TenantContextMissingError);
  });

  it("survives awaits, Promise.all, timers, event callbacks and streams", async () => {
    await runInTenantContext(contextOf("acme"), async () => {
      await tick(1);
      const all = await Promise.all([1, 2, 3].map(async (n) => (await tick(n), currentTenant().slug)));
      expect(all).toEqual(["acme", "acme", "acme"]);
      const fromTimer = await new Promise<string>((resolve) => setTimeout(() => resolve(currentTenant().slug), 2));
      expect(fromTimer).toBe("acme");
      const seen: string[] = [];
      for await (const _chunk of Readable.from(["a", "b"])) seen.push(currentTenant().slug);
      expect(seen).toEqual(["acme", "acme"]);
    });
    expect(() => currentTenant()).toThrow(TenantContextMissingError);
  });

  it("never leaks between interleaved requests of different tenants", async () => {
    const slugs = Array.from({ length: 10 }, (_, i) => `tenant${i}`);
    const requests = Array.from({ length: 200 }, (_, i) => slugs[i % slugs.length]);
    const results = await Promise.all(
      requests.map((slug, i) =>
        runInTenantContext(contextOf(slug), async () => {
          const seen: string[] = [];
          for (let step = 0; step < 5; step++) {
            await tick((i * 7 + step * 3) % 5);
            seen.push(currentTenant().slug);
          }
          return { slug, seen };
        }),
      ),
    );
    for (const { slug, seen } of results) expect(seen).toEqual(Array(5).fill(slug));
  });

  it("a nested context replaces the outer one only inside it", async () => {
    await runInTenantContext(contextOf("acme"), async () => {
      await runInTenantContext(contextOf("globex"), async () => {
        await tick(1);
        expect(currentTenant().slug).toBe("globex");
      });
      expect(currentTenant().slug).toBe("acme");
    });
  });
});
