/**
 * The permission matrix: the one place that says which role may do what in a tenant.
 * Every server action and route handler asks `can()` / `assertCan()`; the proxy never
 * decides alone.
 */

export const ROLES = ["owner", "admin", "member", "viewer"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export const PERMISSIONS = {
  "tenant:read": "viewer",
  "records:create": "member",
  "records:update": "member",
  "records:delete": "admin",
  "reports:read": "viewer",
  "audit:read": "admin",
  "settings:read": "admin",
  "settings:update": "admin",
  "team:read": "member",
  "team:invite": "admin",
  "team:manage": "admin",
  "api_keys:manage": "admin",
  "integrations:manage": "admin",
  "domains:manage": "admin",
  "billing:manage": "owner",
  "tenant:delete": "owner",
  "tenant:transfer": "owner",
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSIONS;

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return RANK[role] >= RANK[PERMISSIONS[permission]];
}

/** Whether `actor` may grant or change `target` (never above one's own role). */
export function canGrant(actor: Role, target: Role): boolean {
  return RANK[actor] >= RANK[target] && can(actor, "team:manage");
}

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}
