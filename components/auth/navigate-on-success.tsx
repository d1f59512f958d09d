"use client";

import { useEffect } from "react";

/**
 * Full navigation after a successful auth action. A server-action redirect would be
 * resolved inside the app without passing proxy.ts, so on a tenant host "/" would render
 * the platform's page; a real navigation goes through the proxy like any request.
 */
export function NavigateOnSuccess({ to }: { to?: string }) {
  useEffect(() => {
    if (to) window.location.assign(to);
  }, [to]);
  return null;
}
