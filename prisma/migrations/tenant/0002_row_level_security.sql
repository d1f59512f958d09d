-- Row level security: the database's own tenant filter, independent of the application.
--
-- The application runs tenant-plane queries as role logi_app (SET LOCAL ROLE, or a login
-- role that is a member of it): it owns nothing, is no superuser and has no BYPASSRLS.
-- Each transaction sets app.tenant_id with set_config(..., true); the policies compare
-- against it. NULLIF turns the '' a pooled connection reports after an earlier
-- transaction's setting into NULL, so "no tenant set" matches no row instead of failing
-- the cast. FORCE makes the table owner subject to the policies too (superusers, which
-- run migrations, still bypass them).

-- Roles are global to the server while this file runs per schema, possibly for several
-- tenant schemas at once: a concurrent creation is not an error.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'logi_app') THEN
    CREATE ROLE logi_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;

-- The migrating role hands its sessions to logi_app with SET LOCAL ROLE, which needs
-- membership (superusers have it implicitly; a plain owner gets it here).
DO $$
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO logi_app', current_schema());
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT logi_app TO %I', current_user);
  END IF;
END
$$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['customers', 'products', 'invoices', 'invoice_lines', 'projects', 'audit_events'] LOOP
    EXECUTE format('ALTER TABLE %I ALTER COLUMN tenant_id SET DEFAULT NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid', t);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid) '
      'WITH CHECK (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid)', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO logi_app', t);
  END LOOP;
END
$$;

-- The audit trail is append-only for the application.
REVOKE UPDATE, DELETE ON audit_events FROM logi_app;
