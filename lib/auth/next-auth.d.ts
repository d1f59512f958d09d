import "next-auth";

declare module "next-auth" {
  interface Session {
    /** "platform" on the root domain, else the id of the tenant the session belongs to. */
    scope: string;
    platformRole: string | null;
    /** Seconds since epoch of the sign-in. */
    authTime: number;
    /** Root domain only: the workspace /api/ calls address when they name none. */
    activeTenantId: string | null;
  }
}
