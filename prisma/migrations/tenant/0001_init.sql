-- Tenant plane: one tenant's business data. Unqualified names: the runner applies this
-- file with search_path set to the target schema (public for the shared level, t_<id>
-- for a tenant schema, public of a tenant database).
-- tenant_id leads every primary key, unique constraint, foreign key and index.

CREATE TABLE customers (
  tenant_id     uuid NOT NULL,
  id            uuid NOT NULL DEFAULT gen_random_uuid(),
  name          varchar(255) NOT NULL,
  email         varchar(255),
  phone         varchar(50),
  tax_id        varchar(50),
  address_line1 varchar(255),
  address_line2 varchar(255),
  city          varchar(100),
  postal_code   varchar(20),
  country       char(2),
  notes         text,
  created_at    timestamptz(3) NOT NULL DEFAULT now(),
  updated_at    timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX customers_tenant_name_idx ON customers (tenant_id, name);

CREATE TABLE products (
  tenant_id   uuid NOT NULL,
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  sku         varchar(64) NOT NULL,
  name        varchar(255) NOT NULL,
  description text,
  price_minor integer NOT NULL DEFAULT 0 CHECK (price_minor >= 0),
  currency    char(3) NOT NULL DEFAULT 'USD',
  stock       integer NOT NULL DEFAULT 0,
  is_archived boolean NOT NULL DEFAULT false,
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  updated_at  timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT products_tenant_sku_key UNIQUE (tenant_id, sku)
);
CREATE INDEX products_tenant_name_idx ON products (tenant_id, name);

CREATE TABLE invoices (
  tenant_id      uuid NOT NULL,
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  number         varchar(50) NOT NULL,
  customer_id    uuid NOT NULL,
  status         varchar(20) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'paid', 'void')),
  issue_date     date NOT NULL,
  due_date       date NOT NULL,
  currency       char(3) NOT NULL DEFAULT 'USD',
  subtotal_minor integer NOT NULL DEFAULT 0,
  tax_minor      integer NOT NULL DEFAULT 0,
  total_minor    integer NOT NULL DEFAULT 0,
  notes          text,
  sent_at        timestamptz(3),
  paid_at        timestamptz(3),
  voided_at      timestamptz(3),
  created_at     timestamptz(3) NOT NULL DEFAULT now(),
  updated_at     timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT invoices_tenant_number_key UNIQUE (tenant_id, number),
  CONSTRAINT invoices_customer_fkey FOREIGN KEY (tenant_id, customer_id)
    REFERENCES customers (tenant_id, id) ON DELETE RESTRICT,
  CHECK (due_date >= issue_date)
);
CREATE INDEX invoices_tenant_customer_idx ON invoices (tenant_id, customer_id);
CREATE INDEX invoices_tenant_status_due_idx ON invoices (tenant_id, status, due_date);
CREATE INDEX invoices_tenant_created_idx ON invoices (tenant_id, created_at);

CREATE TABLE invoice_lines (
  tenant_id        uuid NOT NULL,
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  invoice_id       uuid NOT NULL,
  product_id       uuid,
  position         integer NOT NULL DEFAULT 0,
  description      varchar(500) NOT NULL,
  quantity         numeric(12, 3) NOT NULL CHECK (quantity > 0),
  unit_price_minor integer NOT NULL,
  tax_rate_bps     integer NOT NULL DEFAULT 0 CHECK (tax_rate_bps BETWEEN 0 AND 10000),
  amount_minor     integer NOT NULL,
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT invoice_lines_invoice_fkey FOREIGN KEY (tenant_id, invoice_id)
    REFERENCES invoices (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT invoice_lines_product_fkey FOREIGN KEY (tenant_id, product_id)
    REFERENCES products (tenant_id, id) ON DELETE RESTRICT
);
CREATE INDEX invoice_lines_tenant_invoice_idx ON invoice_lines (tenant_id, invoice_id);
CREATE INDEX invoice_lines_tenant_product_idx ON invoice_lines (tenant_id, product_id);

CREATE TABLE projects (
  tenant_id    uuid NOT NULL,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  name         varchar(255) NOT NULL,
  description  text,
  customer_id  uuid,
  status       varchar(20) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'archived')),
  budget_minor integer CHECK (budget_minor >= 0),
  start_date   date,
  end_date     date,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  updated_at   timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT projects_customer_fkey FOREIGN KEY (tenant_id, customer_id)
    REFERENCES customers (tenant_id, id) ON DELETE RESTRICT,
  CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE INDEX projects_tenant_customer_idx ON projects (tenant_id, customer_id);
CREATE INDEX projects_tenant_status_idx ON projects (tenant_id, status);

CREATE TABLE audit_events (
  tenant_id   uuid NOT NULL,
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  actor_id    uuid,
  actor_type  varchar(20) NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
  action      varchar(100) NOT NULL,
  entity_type varchar(50) NOT NULL,
  entity_id   varchar(255),
  before      jsonb,
  after       jsonb,
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_events_tenant_created_idx ON audit_events (tenant_id, created_at);
CREATE INDEX audit_events_tenant_entity_idx ON audit_events (tenant_id, entity_type, entity_id);
