import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import type { NotificationsInput } from "@/lib/settings/schemas";
import { updateNotificationSettings } from "@/lib/settings/settings";

/**
 * PUT /api/v1/tenant/settings/notifications — `events` (which notices are sent),
 * `recipients` (extra addresses) and `sender` (fromName, fromAddress, replyTo).
 */
export const PUT = tenantRoute({ permission: "settings:update" }, async ({ request }) =>
  updateNotificationSettings((await readJson(request)) as NotificationsInput),
);
