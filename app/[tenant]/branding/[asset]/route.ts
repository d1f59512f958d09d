import { assetKindFromSlug, readBrandingAsset } from "@/lib/settings/assets";
import { tenantDirectory } from "@/lib/tenancy/directory-instance";
import { proxiedTenantSlug } from "@/lib/tenancy/request";

type Params = { tenant: string; asset: string };

/**
 * GET /branding/{logo|logo-dark|favicon} on a tenant's host — the tenant's branding file.
 * Public (the sign-in page shows the logo), served with the type decided at upload from
 * the file's bytes, `nosniff`, and a CSP that forbids any active content. The URL the
 * pages use carries the content hash (`?v=`), so that URL may be cached for a year.
 */
export async function GET(request: Request, { params }: { params: Promise<Params> }): Promise<Response> {
  const { tenant: slug, asset } = await params;
  const kind = assetKindFromSlug(asset);
  if (!kind || (await proxiedTenantSlug()) !== slug) return notFound();
  const tenant = await tenantDirectory().bySlug(slug);
  if (!tenant || tenant.status !== "active") return notFound();
  const file = await readBrandingAsset(tenant.id, kind);
  if (!file) return notFound();
  const version = new URL(request.url).searchParams.get("v");
  const etag = `"${file.sha256}"`;
  const headers = new Headers({
    "content-type": file.contentType,
    "content-length": String(file.data.byteLength),
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
    "content-disposition": `inline; filename="${asset}"`,
    etag,
    "cache-control":
      version && file.sha256.startsWith(version)
        ? "public, max-age=31536000, immutable"
        : "public, max-age=0, must-revalidate",
  });
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(file.data), { status: 200, headers });
}

function notFound(): Response {
  return new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
}
