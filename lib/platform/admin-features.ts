import { z } from "zod";
import { controlDb } from "@/lib/db/control";
import { NotFoundError, ValidationError } from "@/lib/http/errors";
import { zodIssues } from "@/lib/http/problem";
import { tenantDirectory } from "@/lib/tenancy/directory-instance";
import { isFeatureKey } from "@/lib/tenancy/features";
import { recordPlatformAudit, type PlatformActor } from "./audit-log";
import { tenantFeature, type TenantFeatureView } from "./tenant-features";

/** Platform admins' per-tenant feature overrides (tenant_features), audited. */

const overrideSchema = z
  .object({
    isEnabled: z.boolean({ error: "isEnabled must be true or false" }),
    enabledAt: z.iso.datetime({ offset: true, error: "enabledAt must be an ISO date-time" }).nullish(),
    expiresAt: z.iso.datetime({ offset: true, error: "expiresAt must be an ISO date-time" }).nullish(),
    config: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((o) => !o.enabledAt || !o.expiresAt || new Date(o.expiresAt) > new Date(o.enabledAt), {
    message: "expiresAt must be after enabledAt",
    path: ["expiresAt"],
  });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function liveTenantId(id: string): Promise<string> {
  if (!UUID.test(id)) throw new NotFoundError("Tenant");
  const db = await controlDb();
  const tenant = await db.tenant.findUnique({ where: { id: id.toLowerCase() }, select: { id: true, deletedAt: true } });
  if (!tenant || tenant.deletedAt) throw new NotFoundError("Tenant");
  return tenant.id;
}

export async function setFeatureOverride(
  actor: PlatformActor,
  id: string,
  key: string,
  input: unknown,
): Promise<TenantFeatureView> {
  if (!isFeatureKey(key)) throw new NotFoundError("Feature");
  const parsed = overrideSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(zodIssues(parsed.error));
  const tenantId = await liveTenantId(id);
  const data = {
    isEnabled: parsed.data.isEnabled,
    enabledAt: parsed.data.enabledAt ? new Date(parsed.data.enabledAt) : new Date(),
    expiresAt: parsed.data.expiresAt ? new Date(parsed.data.expiresAt) : null,
    config: (parsed.data.config ?? {}) as object,
  };
  const db = await controlDb();
  await db.$transaction(async (tx) => {
    const before = await tx.tenantFeature.findUnique({ where: { tenantId_featureKey: { tenantId, featureKey: key } } });
    await tx.tenantFeature.upsert({
      where: { tenantId_featureKey: { tenantId, featureKey: key } },
      create: { tenantId, featureKey: key, ...data },
      update: data,
    });
    await recordPlatformAudit(
      actor,
      {
        action: "tenant.feature_overridden",
        targetType: "tenant",
        targetId: tenantId,
        data: { key, before, after: data },
      },
      tx,
    );
  });
  await tenantDirectory().invalidateTenant(tenantId);
  return tenantFeature(tenantId, key);
}

export async function removeFeatureOverride(actor: PlatformActor, id: string, key: string): Promise<void> {
  if (!isFeatureKey(key)) throw new NotFoundError("Feature");
  const tenantId = await liveTenantId(id);
  const db = await controlDb();
  await db.$transaction(async (tx) => {
    const before = await tx.tenantFeature.findUnique({ where: { tenantId_featureKey: { tenantId, featureKey: key } } });
    if (!before) throw new NotFoundError("Feature override");
    await tx.tenantFeature.delete({ where: { id: before.id } });
    await recordPlatformAudit(
      actor,
      { action: "tenant.feature_override_removed", targetType: "tenant", targetId: tenantId, data: { key, before } },
      tx,
    );
  });
  await tenantDirectory().invalidateTenant(tenantId);
}
