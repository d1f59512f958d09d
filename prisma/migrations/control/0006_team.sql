-- Team management and invitations (lib/team/).
--
-- memberships.last_sign_in_at: the member's last sign-in to THIS workspace (set by
-- lib/auth/auth.ts on every tenant-scoped sign-in). users.last_sign_in_at covers every
-- host and would tell one tenant's admins when someone used another tenant.
ALTER TABLE memberships ADD COLUMN last_sign_in_at timestamptz(3);

-- At most one pending invitation per e-mail address and workspace (addresses are stored
-- lower-cased). An invitation past its expires_at is still 'pending' in the table until a
-- new invitation for that address marks it 'expired'; readers compute the status.
CREATE UNIQUE INDEX tenant_invitations_pending_email_key
  ON tenant_invitations (tenant_id, email) WHERE status = 'pending';
