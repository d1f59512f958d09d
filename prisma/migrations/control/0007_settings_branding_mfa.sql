-- Tenant settings, branding files and multi-factor sign-in (docs/settings-and-branding.md,
-- docs/mfa.md, docs/decisions/0013-branding-files-in-the-database.md).

-- Branding files (logo, dark-mode logo, favicon) live in the database, one row per tenant
-- and kind: every server process sees the same file, backups and tenant exports carry it,
-- and no shared file system is needed. Sizes are capped by the service (at most 512 KiB).
CREATE TABLE tenant_assets (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kind         varchar(20) NOT NULL CHECK (kind IN ('logo', 'logo_dark', 'favicon')),
  content_type varchar(50) NOT NULL,
  size_bytes   integer NOT NULL CHECK (size_bytes > 0),
  sha256       char(64) NOT NULL,
  data         bytea NOT NULL,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  updated_at   timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT tenant_assets_tenant_id_kind_key UNIQUE (tenant_id, kind)
);

-- TOTP (RFC 6238). users.mfa_secret (0001) holds the AES-256-GCM encrypted base32 secret;
-- mfa_enabled_at is NULL while an enrolment is pending. mfa_last_step is the last accepted
-- time step, so a code is never accepted twice. Recovery codes are stored as SHA-256 hashes.
ALTER TABLE users
  ADD COLUMN mfa_last_step      bigint,
  ADD COLUMN mfa_recovery_codes text[] NOT NULL DEFAULT '{}';
