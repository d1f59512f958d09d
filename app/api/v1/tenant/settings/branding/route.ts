import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import type { BrandingInput } from "@/lib/settings/schemas";
import { updateBrandingSettings } from "@/lib/settings/settings";

/**
 * PUT /api/v1/tenant/settings/branding — primaryColor and secondaryColor (#rrggbb). The
 * logo, dark logo and favicon are files: POST /api/v1/tenant/settings/branding/{logo,logo-dark,favicon}.
 */
export const PUT = tenantRoute({ permission: "settings:update" }, async ({ request }) =>
  updateBrandingSettings((await readJson(request)) as BrandingInput),
);
