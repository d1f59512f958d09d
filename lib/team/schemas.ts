import { z } from "zod";
import { ROLES } from "@/lib/auth/permissions";
import { ValidationError } from "@/lib/http/errors";
import { zodIssues } from "@/lib/http/problem";

/** Inputs of the team and invitation services, validated at the boundary (422 naming the field). */

export const emailField = z.string().trim().toLowerCase().email("Enter a valid e-mail address").max(255);

export const roleField = z.enum(ROLES, { error: "Choose one of owner, admin, member, viewer" });

export const inviteInput = z
  .object({
    email: emailField,
    role: roleField,
    /** Days until the link stops working; default INVITATION_TTL_DAYS (7). */
    expiresInDays: z.number().int("Use whole days").min(1, "At least 1 day").max(30, "At most 30 days").optional(),
  })
  .strict();
export type InviteInput = z.input<typeof inviteInput>;

export const changeRoleInput = z.object({ role: roleField }).strict();

export const transferOwnershipInput = z.object({ userId: z.guid("userId must be a uuid") }).strict();

/**
 * Accepting: `email` (optional) must be the invited address; a new account needs `name` and
 * `password`, an existing one its `password` (unless already signed in as it on this host).
 */
export const acceptInput = z
  .object({
    email: emailField.optional(),
    name: z.string().trim().min(1, "Enter your name").max(255).optional(),
    password: z.string().min(1, "Enter a password").max(256, "Use at most 256 characters").optional(),
  })
  .strict();
export type AcceptInput = z.input<typeof acceptInput>;

/** Parses service input; a failure is a ValidationError naming each field (services throw domain errors only). */
export function parseInput<Schema extends z.ZodType>(schema: Schema, raw: unknown): z.output<Schema> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ValidationError(zodIssues(parsed.error));
  return parsed.data;
}
