/**
 * The provisioning state machine's vocabulary, shared by the service (provisioning.ts),
 * the status API and the signup page's progress list. No database or Next.js imports, so
 * client components can import it.
 */

export const PROVISIONING_STEPS = [
  "reserve",
  "owner",
  "resources",
  "settings",
  "quotas",
  "subscription",
  "features",
  "membership",
  "sample_data",
  "activate",
] as const;

export type StepName = (typeof PROVISIONING_STEPS)[number];

export const STEP_LABELS: Record<StepName, string> = {
  reserve: "Reserving your address",
  owner: "Setting up your account",
  resources: "Preparing your database",
  settings: "Applying default settings",
  quotas: "Copying your plan's limits",
  subscription: "Starting your subscription",
  features: "Enabling your plan's features",
  membership: "Making you the owner",
  sample_data: "Adding sample customers and products",
  activate: "Opening your workspace",
};

export type ProvisioningStatus = "pending" | "provisioning" | "active" | "failed";

/** One completed step as stored in tenants.provisioning_steps[step]. */
export interface StepRecord {
  at: string;
  [detail: string]: unknown;
}

export type StepRecords = Partial<Record<StepName, StepRecord>>;

export function isStepName(value: unknown): value is StepName {
  return typeof value === "string" && (PROVISIONING_STEPS as readonly string[]).includes(value);
}

/** Reads tenants.provisioning_steps defensively (unknown keys and malformed entries dropped). */
export function parseStepRecords(raw: unknown): StepRecords {
  const out: StepRecords = {};
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return out;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (isStepName(key) && value && typeof value === "object" && typeof (value as StepRecord).at === "string") {
      out[key] = value as StepRecord;
    }
  }
  return out;
}

/** The progress list for a UI or API: every step, in order, with its completion time. */
export interface StepProgress {
  step: StepName;
  label: string;
  done: boolean;
  at: string | null;
}

export function progressOf(records: StepRecords): StepProgress[] {
  return PROVISIONING_STEPS.map((step) => ({
    step,
    label: STEP_LABELS[step],
    done: Boolean(records[step]),
    at: records[step]?.at ?? null,
  }));
}
