-- Plans as data: what each plan costs and entitles its users to, read by every service through
-- identity's client and changed by operators (`calos plans set`, the console). The entitlements
-- every service enforces are typed columns (checked here, validated once, queryable); a new
-- entitlement may start in extra_entitlements and earn a column once a service enforces it.
-- migrate:up
CREATE TABLE subscription_plans (
  plan_code               TEXT PRIMARY KEY CHECK (plan_code ~ '^[a-z][a-z0-9_]{1,31}$'),
  name                    TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
  price_cents_per_month   INTEGER NOT NULL CHECK (price_cents_per_month BETWEEN 0 AND 10000000),
  ai_per_minute           INTEGER NOT NULL CHECK (ai_per_minute BETWEEN 0 AND 1000000),
  ai_per_hour             INTEGER NOT NULL CHECK (ai_per_hour BETWEEN 0 AND 100000000),
  ai_per_day              INTEGER NOT NULL CHECK (ai_per_day BETWEEN 0 AND 1000000000),
  premium_models          BOOLEAN NOT NULL,
  -- NULL: unlimited members.
  family_member_cap       INTEGER CHECK (family_member_cap BETWEEN 1 AND 10000),
  shared_calendars        BOOLEAN NOT NULL,
  extra_entitlements      JSONB NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(extra_entitlements) = 'object'),
  -- Shown for sale in the account console (enterprise is arranged, not bought there).
  is_listed               BOOLEAN NOT NULL DEFAULT true,
  sort_order              INTEGER NOT NULL DEFAULT 0,
  created_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TRIGGER subscription_plans_set_updated_at
  BEFORE UPDATE ON subscription_plans
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Today's four plans (src/identity/plans.ts) at the design document's prices: Premium $5/month,
-- Family $10/month.
INSERT INTO subscription_plans
  (plan_code, name, price_cents_per_month, ai_per_minute, ai_per_hour, ai_per_day, premium_models,
   family_member_cap, shared_calendars, is_listed, sort_order)
VALUES
  ('free', 'Free', 0, 10, 100, 1000, false, 6, false, true, 0),
  ('pro', 'Premium', 500, 60, 1000, 10000, true, 6, false, true, 1),
  ('family', 'Family', 1000, 60, 1000, 10000, true, NULL, true, true, 2),
  ('enterprise', 'Enterprise', 0, 600, 20000, 200000, true, NULL, true, false, 3);

-- A subscription names a plan of the table (replacing the list of codes in 005).
ALTER TABLE user_subscriptions DROP CONSTRAINT user_subscriptions_plan_code_check;
ALTER TABLE user_subscriptions
  ADD CONSTRAINT user_subscriptions_plan_code_fkey FOREIGN KEY (plan_code) REFERENCES subscription_plans (plan_code);

-- migrate:down
ALTER TABLE user_subscriptions DROP CONSTRAINT user_subscriptions_plan_code_fkey;
ALTER TABLE user_subscriptions
  ADD CONSTRAINT user_subscriptions_plan_code_check CHECK (plan_code IN ('free', 'pro', 'family', 'enterprise'));
DROP TABLE subscription_plans;
