-- Control plane: platform tables in the main database.
-- Plans first: tenants.tier references subscription_plans.tier.

CREATE TABLE subscription_plans (
  id               varchar(100) PRIMARY KEY,
  name             varchar(255) NOT NULL,
  description      text,
  price_monthly    numeric(10, 2),
  price_annual     numeric(10, 2),
  currency         char(3) NOT NULL DEFAULT 'USD',
  tier             varchar(50) NOT NULL UNIQUE
                   CHECK (tier IN ('free', 'standard', 'professional', 'business', 'enterprise')),
  max_users        integer CHECK (max_users >= 0),
  max_storage_mb   integer CHECK (max_storage_mb >= 0),
  max_api_calls    integer CHECK (max_api_calls >= 0),
  max_invoices     integer CHECK (max_invoices >= 0),
  max_products     integer CHECK (max_products >= 0),
  max_projects     integer CHECK (max_projects >= 0),
  max_integrations integer CHECK (max_integrations >= 0),
  features         jsonb NOT NULL DEFAULT '{}',
  is_active        boolean NOT NULL DEFAULT true,
  is_public        boolean NOT NULL DEFAULT true,
  display_order    integer NOT NULL DEFAULT 0,
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  updated_at       timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email           varchar(255) NOT NULL,
  name            varchar(255),
  password_hash   varchar(255),
  email_verified  timestamptz(3),
  image           text,
  platform_role   varchar(50) CHECK (platform_role IN ('admin')),
  mfa_secret      varchar(255),
  mfa_enabled_at  timestamptz(3),
  last_sign_in_at timestamptz(3),
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  updated_at      timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT users_email_key UNIQUE (email),
  CONSTRAINT users_email_lowercase CHECK (email = lower(email))
);

CREATE TABLE tenants (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug             varchar(100) NOT NULL,
  name             varchar(255) NOT NULL,
  legal_name       varchar(255),
  email            varchar(255) NOT NULL,
  phone            varchar(50),
  address_line1    varchar(255),
  address_line2    varchar(255),
  city             varchar(100),
  state            varchar(100),
  postal_code      varchar(20),
  country          char(2),
  tax_id           varchar(50),
  vat_number       varchar(50),
  status           varchar(50) NOT NULL DEFAULT 'active'
                   CHECK (status IN ('pending', 'active', 'suspended', 'cancelled', 'deleted')),
  suspended_at     timestamptz(3),
  suspended_reason text,
  isolation_level  varchar(50) NOT NULL DEFAULT 'shared_database'
                   CHECK (isolation_level IN ('shared_database', 'schema', 'database')),
  database_name    varchar(100),
  schema_name      varchar(100),
  tier             varchar(50) NOT NULL DEFAULT 'standard' REFERENCES subscription_plans (tier),
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  updated_at       timestamptz(3) NOT NULL DEFAULT now(),
  deleted_at       timestamptz(3),
  owner_id         uuid REFERENCES users (id) ON DELETE SET NULL,
  CONSTRAINT tenants_slug_key UNIQUE (slug),
  -- DNS label rules: lower case letters, digits and inner hyphens, at most 63 characters.
  CONSTRAINT tenants_slug_format CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$')
);
CREATE INDEX tenants_status_idx ON tenants (status);
CREATE INDEX tenants_owner_id_idx ON tenants (owner_id);
CREATE INDEX tenants_tier_idx ON tenants (tier);

CREATE TABLE tenant_domains (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  domain             varchar(255) NOT NULL,
  domain_type        varchar(50) NOT NULL DEFAULT 'subdomain' CHECK (domain_type IN ('subdomain', 'custom')),
  is_verified        boolean NOT NULL DEFAULT false,
  verification_token varchar(100),
  verified_at        timestamptz(3),
  ssl_enabled        boolean NOT NULL DEFAULT true,
  ssl_certificate_id varchar(255),
  is_primary         boolean NOT NULL DEFAULT false,
  is_active          boolean NOT NULL DEFAULT true,
  created_at         timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT tenant_domains_domain_key UNIQUE (domain),
  CONSTRAINT tenant_domains_domain_lowercase CHECK (domain = lower(domain))
);
CREATE INDEX tenant_domains_tenant_id_idx ON tenant_domains (tenant_id);
-- At most one primary domain per tenant.
CREATE UNIQUE INDEX tenant_domains_one_primary ON tenant_domains (tenant_id) WHERE is_primary;

CREATE TABLE tenant_settings (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id               uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  logo_url                text,
  logo_dark_url           text,
  favicon_url             text,
  primary_color           varchar(7) NOT NULL DEFAULT '#2563eb' CHECK (primary_color ~ '^#[0-9a-fA-F]{6}$'),
  secondary_color         varchar(7) NOT NULL DEFAULT '#1e40af' CHECK (secondary_color ~ '^#[0-9a-fA-F]{6}$'),
  default_language        varchar(10) NOT NULL DEFAULT 'en',
  default_timezone        varchar(50) NOT NULL DEFAULT 'UTC',
  default_currency        char(3) NOT NULL DEFAULT 'USD',
  date_format             varchar(20) NOT NULL DEFAULT 'YYYY-MM-DD',
  number_format           varchar(20) NOT NULL DEFAULT '1,234.56',
  features_enabled        jsonb NOT NULL DEFAULT '{}',
  modules_enabled         text[] NOT NULL DEFAULT '{}',
  password_policy         jsonb NOT NULL DEFAULT '{}',
  session_timeout_minutes integer NOT NULL DEFAULT 60 CHECK (session_timeout_minutes > 0),
  mfa_required            boolean NOT NULL DEFAULT false,
  ip_whitelist            text[] NOT NULL DEFAULT '{}',
  email_from_name         varchar(255),
  email_from_address      varchar(255),
  email_reply_to          varchar(255),
  notification_settings   jsonb NOT NULL DEFAULT '{}',
  custom_settings         jsonb NOT NULL DEFAULT '{}',
  updated_at              timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT tenant_settings_tenant_id_key UNIQUE (tenant_id)
);

CREATE TABLE tenant_subscriptions (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id              uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  plan_id                varchar(100) NOT NULL REFERENCES subscription_plans (id),
  plan_name              varchar(255) NOT NULL,
  billing_cycle          varchar(20) NOT NULL DEFAULT 'monthly' CHECK (billing_cycle IN ('monthly', 'quarterly', 'annual')),
  price_amount           numeric(10, 2) NOT NULL,
  price_currency         char(3) NOT NULL DEFAULT 'USD',
  status                 varchar(50) NOT NULL DEFAULT 'active'
                         CHECK (status IN ('trial', 'active', 'past_due', 'cancelled', 'expired')),
  trial_ends_at          timestamptz(3),
  current_period_start   timestamptz(3),
  current_period_end     timestamptz(3),
  cancelled_at           timestamptz(3),
  payment_method_id      varchar(255),
  stripe_subscription_id varchar(255),
  stripe_customer_id     varchar(255),
  auto_renew             boolean NOT NULL DEFAULT true,
  created_at             timestamptz(3) NOT NULL DEFAULT now(),
  updated_at             timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT tenant_subscriptions_stripe_subscription_id_key UNIQUE (stripe_subscription_id)
);
CREATE INDEX tenant_subscriptions_tenant_id_idx ON tenant_subscriptions (tenant_id);
CREATE INDEX tenant_subscriptions_status_idx ON tenant_subscriptions (status);
CREATE INDEX tenant_subscriptions_plan_id_idx ON tenant_subscriptions (plan_id);

CREATE TABLE tenant_quotas (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id               uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  max_users               integer DEFAULT 5,
  max_storage_mb          integer DEFAULT 1024,
  max_api_calls_per_month integer DEFAULT 10000,
  max_invoices_per_month  integer DEFAULT 100,
  max_products            integer DEFAULT 500,
  max_projects            integer DEFAULT 50,
  max_integrations        integer DEFAULT 3,
  current_users           integer NOT NULL DEFAULT 0 CHECK (current_users >= 0),
  current_storage_mb      numeric(10, 2) NOT NULL DEFAULT 0 CHECK (current_storage_mb >= 0),
  current_api_calls       integer NOT NULL DEFAULT 0 CHECK (current_api_calls >= 0),
  current_invoices        integer NOT NULL DEFAULT 0 CHECK (current_invoices >= 0),
  current_products        integer NOT NULL DEFAULT 0 CHECK (current_products >= 0),
  current_projects        integer NOT NULL DEFAULT 0 CHECK (current_projects >= 0),
  current_integrations    integer NOT NULL DEFAULT 0 CHECK (current_integrations >= 0),
  usage_reset_day         integer NOT NULL DEFAULT 1 CHECK (usage_reset_day BETWEEN 1 AND 28),
  last_reset_at           timestamptz(3),
  updated_at              timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT tenant_quotas_tenant_id_key UNIQUE (tenant_id)
);

CREATE TABLE tenant_features (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  feature_key varchar(100) NOT NULL,
  is_enabled  boolean NOT NULL DEFAULT false,
  config      jsonb NOT NULL DEFAULT '{}',
  enabled_at  timestamptz(3),
  expires_at  timestamptz(3),
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT tenant_features_tenant_id_feature_key_key UNIQUE (tenant_id, feature_key)
);
CREATE INDEX tenant_features_tenant_id_idx ON tenant_features (tenant_id);

CREATE TABLE tenant_invitations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  email       varchar(255) NOT NULL,
  role        varchar(100) NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  token_hash  varchar(255) NOT NULL,
  status      varchar(50) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'expired', 'cancelled')),
  expires_at  timestamptz(3) NOT NULL,
  accepted_at timestamptz(3),
  invited_by  uuid NOT NULL REFERENCES users (id),
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT tenant_invitations_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX tenant_invitations_tenant_id_idx ON tenant_invitations (tenant_id);
CREATE INDEX tenant_invitations_email_idx ON tenant_invitations (email);
CREATE INDEX tenant_invitations_invited_by_idx ON tenant_invitations (invited_by);

CREATE TABLE tenant_usage_logs (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  period_start     date NOT NULL,
  period_end       date NOT NULL,
  metric_type      varchar(100) NOT NULL,
  metric_value     numeric(15, 2) NOT NULL,
  metric_unit      varchar(50),
  aggregation_type varchar(20) NOT NULL DEFAULT 'sum' CHECK (aggregation_type IN ('sum', 'max', 'avg', 'count')),
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (period_end >= period_start)
);
CREATE INDEX tenant_usage_logs_tenant_period_idx ON tenant_usage_logs (tenant_id, period_start, period_end);
CREATE INDEX tenant_usage_logs_metric_type_idx ON tenant_usage_logs (metric_type);

CREATE TABLE memberships (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role       varchar(20) NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT memberships_tenant_id_user_id_key UNIQUE (tenant_id, user_id)
);
CREATE INDEX memberships_user_id_idx ON memberships (user_id);

CREATE TABLE accounts (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type                varchar(50) NOT NULL,
  provider            varchar(100) NOT NULL,
  provider_account_id varchar(255) NOT NULL,
  refresh_token       text,
  access_token        text,
  expires_at          integer,
  token_type          varchar(50),
  scope               text,
  id_token            text,
  session_state       text,
  CONSTRAINT accounts_provider_provider_account_id_key UNIQUE (provider, provider_account_id)
);
CREATE INDEX accounts_user_id_idx ON accounts (user_id);

CREATE TABLE sessions (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_token varchar(255) NOT NULL,
  user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires       timestamptz(3) NOT NULL,
  CONSTRAINT sessions_session_token_key UNIQUE (session_token)
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE verification_tokens (
  identifier varchar(255) NOT NULL,
  token      varchar(255) NOT NULL,
  expires    timestamptz(3) NOT NULL,
  PRIMARY KEY (identifier, token)
);

CREATE TABLE api_keys (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name          varchar(100) NOT NULL,
  prefix        varchar(20) NOT NULL,
  key_hash      varchar(128) NOT NULL,
  created_by_id uuid REFERENCES users (id) ON DELETE SET NULL,
  last_used_at  timestamptz(3),
  expires_at    timestamptz(3),
  revoked_at    timestamptz(3),
  created_at    timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash)
);
CREATE INDEX api_keys_tenant_id_idx ON api_keys (tenant_id);
CREATE INDEX api_keys_created_by_id_idx ON api_keys (created_by_id);

CREATE TABLE webhook_events (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider     varchar(50) NOT NULL,
  event_id     varchar(255) NOT NULL,
  type         varchar(255) NOT NULL,
  payload      jsonb NOT NULL,
  status       varchar(20) NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'processed', 'failed', 'ignored')),
  error        text,
  received_at  timestamptz(3) NOT NULL DEFAULT now(),
  processed_at timestamptz(3),
  CONSTRAINT webhook_events_provider_event_id_key UNIQUE (provider, event_id)
);

CREATE TABLE platform_audit_logs (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  actor_id    uuid,
  action      varchar(100) NOT NULL,
  target_type varchar(50) NOT NULL,
  target_id   varchar(255),
  data        jsonb NOT NULL DEFAULT '{}',
  ip          varchar(64),
  created_at  timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX platform_audit_logs_target_idx ON platform_audit_logs (target_type, target_id);
CREATE INDEX platform_audit_logs_created_at_idx ON platform_audit_logs (created_at);
