import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import type { SecurityInput } from "@/lib/settings/schemas";
import { updateSecuritySettings } from "@/lib/settings/settings";
import { clientIpFrom } from "@/lib/tenancy/proxy-headers";

/**
 * PUT /api/v1/tenant/settings/security — passwordPolicy, sessionTimeoutMinutes,
 * mfaRequired, ipAllowList. An allow-list that excludes the caller's own address is refused
 * unless the body also says `confirmLockout: true`.
 */
export const PUT = tenantRoute({ permission: "settings:update" }, async ({ request }) =>
  updateSecuritySettings((await readJson(request)) as SecurityInput, { callerIp: clientIpFrom(request.headers) }),
);
