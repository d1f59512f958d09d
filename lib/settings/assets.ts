import { createHash } from "node:crypto";
import { controlDb } from "@/lib/db/control";
import { NotFoundError, ValidationError } from "@/lib/http/errors";
import { consumeQuota, releaseQuota } from "@/lib/quotas/quotas";
import { currentTenant } from "@/lib/tenancy/context";
import { tenantDirectory } from "@/lib/tenancy/directory-instance";
import { auditSettingsChange } from "./audit";

/**
 * Branding files: the logo, the logo for dark backgrounds and the favicon. They are
 * stored in the database (tenant_assets, docs/decisions/0013), their type is decided by
 * their first bytes — never by the name or the declared type — and only raster formats are
 * accepted: SVG can carry scripts and is refused. Sizes are capped per kind and counted in
 * the tenant's storage quota. Files are served by app/[tenant]/branding/[asset]/route.ts
 * under a URL that carries the content hash, so a new upload shows on the next page load.
 */

export const ASSET_KINDS = ["logo", "logo_dark", "favicon"] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

/** The URL segment of each kind: /branding/logo, /branding/logo-dark, /branding/favicon. */
export const ASSET_SLUGS: Record<AssetKind, string> = { logo: "logo", logo_dark: "logo-dark", favicon: "favicon" };

export function assetKindFromSlug(slug: string): AssetKind | null {
  const kind = (Object.keys(ASSET_SLUGS) as AssetKind[]).find((k) => ASSET_SLUGS[k] === slug);
  return kind ?? null;
}

export const MAX_ASSET_BYTES: Record<AssetKind, number> = {
  logo: 512 * 1024,
  logo_dark: 512 * 1024,
  favicon: 128 * 1024,
};

export type ImageType = "image/png" | "image/jpeg" | "image/webp" | "image/x-icon";

const ACCEPTED: Record<AssetKind, readonly ImageType[]> = {
  logo: ["image/png", "image/jpeg", "image/webp"],
  logo_dark: ["image/png", "image/jpeg", "image/webp"],
  favicon: ["image/png", "image/x-icon"],
};

const SETTINGS_COLUMN = { logo: "logoUrl", logo_dark: "logoDarkUrl", favicon: "faviconUrl" } as const;

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  return bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);
}

/** The image type by magic bytes, or null. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  // RIFF <size> WEBP
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8))
    return "image/webp";
  // ICONDIR: reserved 0, type 1 (icon), at least one image
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00]) && bytes.length >= 6 && (bytes[4] | (bytes[5] << 8)) > 0)
    return "image/x-icon";
  return null;
}

function looksLikeMarkup(bytes: Uint8Array): boolean {
  const head = new TextDecoder("utf-8", { fatal: false })
    .decode(bytes.subarray(0, 512))
    .replace(/^\uFEFF/, "")
    .trimStart()
    .toLowerCase();
  return head.startsWith("<");
}

const LABEL: Record<ImageType, string> = {
  "image/png": "PNG",
  "image/jpeg": "JPEG",
  "image/webp": "WebP",
  "image/x-icon": "ICO",
};

/** Checks an upload: 422 on `file` for an empty, oversized, unknown or unaccepted file. */
export function checkUpload(kind: AssetKind, bytes: Uint8Array): ImageType {
  const accepted = ACCEPTED[kind];
  const formats = accepted.map((t) => LABEL[t]).join(", ");
  const fail = (message: string): never => {
    throw new ValidationError([{ field: "file", message }]);
  };
  if (bytes.length === 0) fail("The file is empty");
  const max = MAX_ASSET_BYTES[kind];
  if (bytes.length > max) fail(`The file is ${formatBytes(bytes.length)}; the limit is ${formatBytes(max)}`);
  const type = sniffImageType(bytes);
  if (!type) {
    if (looksLikeMarkup(bytes))
      fail(`SVG and other markup files are not accepted (they can carry scripts); upload ${formats}`);
    fail(`The file is not an image this field accepts; upload ${formats}`);
  }
  if (!accepted.includes(type as ImageType))
    fail(`${LABEL[type as ImageType]} is not accepted here; upload ${formats}`);
  return type as ImageType;
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / (1024 * 1024)).toFixed(1)} MB`
    : bytes >= 1024
      ? `${Math.round(bytes / 1024)} KB`
      : `${bytes} bytes`;
}

export interface StoredAsset {
  kind: AssetKind;
  contentType: ImageType;
  sizeBytes: number;
  sha256: string;
  url: string;
}

function assetUrl(kind: AssetKind, sha256: string): string {
  return `/branding/${ASSET_SLUGS[kind]}?v=${sha256.slice(0, 16)}`;
}

/**
 * Stores (or replaces) a branding file of the current tenant. The size difference is
 * charged to the storage quota first (a replacement only charges what it adds), so a full
 * quota refuses the upload with 403 quota-exceeded and nothing is stored.
 */
export async function uploadBrandingAsset(kind: AssetKind, bytes: Uint8Array): Promise<StoredAsset> {
  const contentType = checkUpload(kind, bytes);
  const tenantId = currentTenant().id;
  const db = await controlDb();
  const existing = await db.tenantAsset.findUnique({
    where: { tenantId_kind: { tenantId, kind } },
    select: { sizeBytes: true, sha256: true, contentType: true },
  });
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const delta = bytes.length - (existing?.sizeBytes ?? 0);
  if (delta > 0) await consumeQuota(tenantId, "storage", delta);
  const url = assetUrl(kind, sha256);
  try {
    const data = new Uint8Array(bytes);
    await db.$transaction([
      db.tenantAsset.upsert({
        where: { tenantId_kind: { tenantId, kind } },
        create: { tenantId, kind, contentType, sizeBytes: bytes.length, sha256, data },
        update: { contentType, sizeBytes: bytes.length, sha256, data },
      }),
      db.tenantSettings.upsert({
        where: { tenantId },
        create: { tenantId, [SETTINGS_COLUMN[kind]]: url },
        update: { [SETTINGS_COLUMN[kind]]: url },
      }),
    ]);
  } catch (error) {
    if (delta > 0) await releaseQuota(tenantId, "storage", delta);
    throw error;
  }
  if (delta < 0) await releaseQuota(tenantId, "storage", -delta);
  await tenantDirectory().invalidateTenant(tenantId);
  await auditSettingsChange(
    "settings.branding_file_uploaded",
    existing
      ? { kind, contentType: existing.contentType, sizeBytes: existing.sizeBytes, sha256: existing.sha256 }
      : null,
    { kind, contentType, sizeBytes: bytes.length, sha256 },
  );
  return { kind, contentType, sizeBytes: bytes.length, sha256, url };
}

/** Removes a branding file of the current tenant and gives its bytes back to the storage quota. */
export async function deleteBrandingAsset(kind: AssetKind): Promise<void> {
  const tenantId = currentTenant().id;
  const db = await controlDb();
  const existing = await db.tenantAsset.findUnique({
    where: { tenantId_kind: { tenantId, kind } },
    select: { id: true, sizeBytes: true, sha256: true, contentType: true },
  });
  if (!existing) throw new NotFoundError("Branding file");
  const removed = await db.$transaction(async (tx) => {
    // Only the file that was read: a concurrent replacement (another hash) stays.
    const { count } = await tx.tenantAsset.deleteMany({ where: { id: existing.id, sha256: existing.sha256 } });
    if (count) await tx.tenantSettings.updateMany({ where: { tenantId }, data: { [SETTINGS_COLUMN[kind]]: null } });
    return count;
  });
  if (removed === 0) throw new NotFoundError("Branding file");
  await releaseQuota(tenantId, "storage", existing.sizeBytes);
  await tenantDirectory().invalidateTenant(tenantId);
  await auditSettingsChange(
    "settings.branding_file_removed",
    { kind, contentType: existing.contentType, sizeBytes: existing.sizeBytes, sha256: existing.sha256 },
    null,
  );
}

/** A tenant's branding file for the serving route, or null. */
export async function readBrandingAsset(
  tenantId: string,
  kind: AssetKind,
): Promise<{ contentType: string; data: Uint8Array; sha256: string; updatedAt: Date } | null> {
  const db = await controlDb();
  const row = await db.tenantAsset.findUnique({
    where: { tenantId_kind: { tenantId, kind } },
    select: { contentType: true, data: true, sha256: true, updatedAt: true },
  });
  return row
    ? { contentType: row.contentType, data: new Uint8Array(row.data), sha256: row.sha256, updatedAt: row.updatedAt }
    : null;
}

/** Bytes of branding files a tenant stores (for usage reports and quota reconciliation). */
export async function brandingStorageBytes(tenantId: string): Promise<number> {
  const db = await controlDb();
  const { _sum } = await db.tenantAsset.aggregate({ where: { tenantId }, _sum: { sizeBytes: true } });
  return _sum.sizeBytes ?? 0;
}
