-- A database-level tenant may live on a server of its own, given by a connection string
-- (lib/tenancy/isolation/database-url.ts). Stored only encrypted (AES-256-GCM under a key
-- derived from AUTH_SECRET, the tenant id as associated data); never returned by any API.
ALTER TABLE tenants ADD COLUMN database_url_encrypted text;
