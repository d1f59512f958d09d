import { z } from "zod";

/** tenant_settings.password_policy; every field optional, defaults below. */
export const passwordPolicySchema = z
  .object({
    minLength: z.number().int().min(8).max(128).default(10),
    requireUppercase: z.boolean().default(false),
    requireLowercase: z.boolean().default(false),
    requireNumber: z.boolean().default(true),
    requireSymbol: z.boolean().default(false),
  })
  .strict();

export type PasswordPolicy = z.infer<typeof passwordPolicySchema>;

export function parsePasswordPolicy(raw: unknown): PasswordPolicy {
  const parsed = passwordPolicySchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : passwordPolicySchema.parse({});
}

/** The rules the password breaks, as sentences for the form; empty when it is acceptable. */
export function passwordProblems(password: string, policy: PasswordPolicy): string[] {
  const problems: string[] = [];
  if (password.length < policy.minLength) problems.push(`Use at least ${policy.minLength} characters.`);
  if (password.length > 256) problems.push("Use at most 256 characters.");
  if (policy.requireUppercase && !/[A-Z]/.test(password)) problems.push("Add an upper-case letter.");
  if (policy.requireLowercase && !/[a-z]/.test(password)) problems.push("Add a lower-case letter.");
  if (policy.requireNumber && !/[0-9]/.test(password)) problems.push("Add a digit.");
  if (policy.requireSymbol && !/[^A-Za-z0-9]/.test(password)) problems.push("Add a symbol.");
  return problems;
}
