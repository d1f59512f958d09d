-- Integrations (quota "integrations", table 16.3): outbound webhooks. A workspace registers
-- HTTPS endpoints that receive its events (invoice.created, invoice.paid, customer.created …)
-- signed with a secret of their own. The secret is needed to sign, so it is stored encrypted
-- (AES-256-GCM under a key derived from AUTH_SECRET, the endpoint id as associated data), not
-- hashed. Deliveries are a queue with retries: a row per event and endpoint.
CREATE TABLE outbound_webhooks (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  url               varchar(2048) NOT NULL,
  description       varchar(200),
  events            text[] NOT NULL DEFAULT '{}',
  secret_encrypted  text NOT NULL,
  enabled           boolean NOT NULL DEFAULT true,
  created_by_id     uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at        timestamptz(3) NOT NULL DEFAULT now(),
  updated_at        timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX outbound_webhooks_tenant_id_idx ON outbound_webhooks (tenant_id);
CREATE INDEX outbound_webhooks_created_by_id_idx ON outbound_webhooks (created_by_id);

CREATE TABLE outbound_webhook_deliveries (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  webhook_id       uuid NOT NULL REFERENCES outbound_webhooks (id) ON DELETE CASCADE,
  tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  event_id         uuid NOT NULL,
  event_type       varchar(100) NOT NULL,
  payload          jsonb NOT NULL,
  status           varchar(20) NOT NULL DEFAULT 'pending',
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz(3) NOT NULL DEFAULT now(),
  last_status      integer,
  last_error       varchar(500),
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  delivered_at     timestamptz(3)
);
CREATE INDEX outbound_webhook_deliveries_webhook_id_idx ON outbound_webhook_deliveries (webhook_id);
CREATE INDEX outbound_webhook_deliveries_tenant_id_idx ON outbound_webhook_deliveries (tenant_id);
CREATE INDEX outbound_webhook_deliveries_due_idx ON outbound_webhook_deliveries (status, next_attempt_at);
