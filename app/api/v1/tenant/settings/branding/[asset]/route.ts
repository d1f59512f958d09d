import { NotFoundError, ValidationError } from "@/lib/http/errors";
import { tenantRoute } from "@/lib/http/tenant-route";
import {
  assetKindFromSlug,
  deleteBrandingAsset,
  formatBytes,
  MAX_ASSET_BYTES,
  uploadBrandingAsset,
  type AssetKind,
} from "@/lib/settings/assets";

type Params = { asset: string };

function kindOf(slug: string): AssetKind {
  const kind = assetKindFromSlug(slug);
  if (!kind) throw new NotFoundError("Branding file");
  return kind;
}

/**
 * The upload's bytes: a multipart form with a `file` field, or the raw image as the body.
 * A declared length above the limit is refused before the body is read.
 */
async function uploadedBytes(request: Request, kind: AssetKind): Promise<Uint8Array> {
  const max = MAX_ASSET_BYTES[kind];
  const declared = Number(request.headers.get("content-length") ?? 0);
  // Multipart framing adds a little; anything far above the limit is not read at all.
  if (declared > max + 16 * 1024) {
    throw new ValidationError([{ field: "file", message: `The file is larger than the limit of ${formatBytes(max)}` }]);
  }
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data")) {
    const form = await request.formData().catch(() => null);
    const file = form?.get("file");
    if (!file || typeof file === "string") {
      throw new ValidationError([{ field: "file", message: "Attach the image as the form field `file`" }]);
    }
    return new Uint8Array(await file.arrayBuffer());
  }
  return new Uint8Array(await request.arrayBuffer());
}

/**
 * POST /api/v1/tenant/settings/branding/{logo|logo-dark|favicon} — uploads or replaces a
 * branding file (PNG, JPEG or WebP; the favicon PNG or ICO), checked by its content.
 */
export const POST = tenantRoute<Params>({ permission: "settings:update" }, async ({ request, params }) => {
  const kind = kindOf(params.asset);
  const stored = await uploadBrandingAsset(kind, await uploadedBytes(request, kind));
  return stored;
});

/** DELETE /api/v1/tenant/settings/branding/{logo|logo-dark|favicon} — removes the file. */
export const DELETE = tenantRoute<Params>({ permission: "settings:update" }, async ({ params }) => {
  await deleteBrandingAsset(kindOf(params.asset));
  return new Response(null, { status: 204 });
});
