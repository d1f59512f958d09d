-- Provisioning state machine (lib/tenancy/provisioning.ts): pending → provisioning →
-- active, or failed with the step and reason. Each completed step is recorded with its
-- time in provisioning_steps ({"<step>": {"at": "<iso>", ...detail}}), so a re-run skips
-- what is done and resumes at the first missing step.
ALTER TABLE tenants DROP CONSTRAINT IF EXISTS tenants_status_check;
ALTER TABLE tenants ADD CONSTRAINT tenants_status_check
  CHECK (status IN ('pending', 'provisioning', 'failed', 'active', 'suspended', 'cancelled', 'deleted'));

ALTER TABLE tenants
  ADD COLUMN provisioning_steps       jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN provisioning_failed_step varchar(50),
  ADD COLUMN provisioning_error       text,
  -- What a resumed run needs that the tenant row does not hold (owner e-mail, name and the
  -- Argon2 hash of a new owner's password). Cleared when the tenant becomes active.
  ADD COLUMN provisioning_input       jsonb,
  ADD COLUMN provisioned_at           timestamptz(3);
