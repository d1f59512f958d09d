import { redirect } from "next/navigation";
import { hostTenant } from "@/lib/auth/host-scope";
import type { SessionUser } from "@/lib/auth/session";
import { requirePlatformAdmin } from "@/lib/http/admin-route";
import { ForbiddenError, UnauthenticatedError } from "@/lib/http/errors";

/**
 * For admin pages: the platform admin, or null when the signed-in user is not one (the
 * page then shows a refusal instead of any data); no session redirects to sign-in.
 * Every page checks for itself: a client navigation can render a page without its layout.
 */
export async function adminForPage(): Promise<SessionUser | null> {
  if ((await hostTenant()) !== null) return null;
  try {
    return await requirePlatformAdmin();
  } catch (error) {
    if (error instanceof UnauthenticatedError) redirect("/sign-in");
    if (error instanceof ForbiddenError) return null;
    throw error;
  }
}
