import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import type { GeneralAndLocaleInput } from "@/lib/settings/schemas";
import { getSettings, updateGeneralSettings } from "@/lib/settings/settings";

/** GET /api/v1/tenant/settings — every section of the workspace's settings (owners and admins). */
export const GET = tenantRoute({ permission: "settings:read" }, () => getSettings());

/**
 * PUT /api/v1/tenant/settings — general (name, legal name, contact, address, tax ids),
 * locale (language, timezone, currency, date and number format) and workspace fields
 * (modulesEnabled, customSettings). Fields left out keep their value.
 */
export const PUT = tenantRoute({ permission: "settings:update" }, async ({ request }) =>
  updateGeneralSettings((await readJson(request)) as GeneralAndLocaleInput),
);
