-- The seed's five plans, with its prices and limits. Where the seed's features JSON and
-- its table 16.4 disagree (custom_domain, dedicated_db, Enterprise's "all"), table 16.4
-- wins: every feature is listed explicitly so one lookup answers for every plan.
-- Enterprise has no price (contact sales) and no limits (NULL = unlimited).
INSERT INTO subscription_plans
  (id, name, description, tier, price_monthly, price_annual, max_users, max_storage_mb, max_api_calls,
   max_invoices, max_products, max_projects, max_integrations, features, display_order)
VALUES
  ('free', 'Free', 'For freelancers trying things out.', 'free', 0, 0, 2, 100, 1000, 10, 50, 5, 1,
   '{"basic_invoicing": true, "inventory": false, "reports": false, "projects": false, "api_access": false, "audit": false, "sso": false, "custom_domain": false, "dedicated_db": false}', 1),
  ('standard', 'Standard', 'For small firms: inventory and reports.', 'standard', 29, 290, 5, 1024, 10000, 100, 500, 50, 3,
   '{"basic_invoicing": true, "inventory": true, "reports": true, "projects": false, "api_access": false, "audit": false, "sso": false, "custom_domain": false, "dedicated_db": false}', 2),
  ('professional', 'Professional', 'For growing teams: projects and API access.', 'professional', 79, 790, 15, 5120, 50000, 500, 2000, 200, 10,
   '{"basic_invoicing": true, "inventory": true, "reports": true, "projects": true, "api_access": true, "audit": false, "sso": false, "custom_domain": false, "dedicated_db": false}', 3),
  ('business', 'Business', 'Audit trail, SSO, custom domain and an isolated schema.', 'business', 199, 1990, 50, 20480, 200000, 2000, 10000, 1000, 25,
   '{"basic_invoicing": true, "inventory": true, "reports": true, "projects": true, "api_access": true, "audit": true, "sso": true, "custom_domain": true, "dedicated_db": false}', 4),
  ('enterprise', 'Enterprise', 'Unlimited, with a dedicated database. Contact sales.', 'enterprise', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   '{"basic_invoicing": true, "inventory": true, "reports": true, "projects": true, "api_access": true, "audit": true, "sso": true, "custom_domain": true, "dedicated_db": true}', 5)
ON CONFLICT (id) DO NOTHING;
