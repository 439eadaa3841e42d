-- Subscription plans every domain honours (free, pro, family, enterprise).
-- migrate:up
CREATE TABLE user_subscriptions (
  subscription_id    UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id            UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  plan_code          TEXT NOT NULL CHECK (plan_code IN ('free', 'pro', 'family', 'enterprise')),
  status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'canceled', 'past_due')),
  -- NULL for plans without a billing period (free).
  current_period_end TIMESTAMPTZ,
  -- The payment provider's id for this subscription, for reconciling webhooks.
  provider_ref       TEXT,
  -- May be set while still 'active': a cancellation that takes effect at period end.
  canceled_at        TIMESTAMPTZ,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT user_subscriptions_canceled_has_time CHECK (status <> 'canceled' OR canceled_at IS NOT NULL)
);

-- A user is on at most one live plan; canceled rows are kept as history.
CREATE UNIQUE INDEX user_subscriptions_one_live_per_user
  ON user_subscriptions (user_id)
  WHERE status IN ('active', 'past_due');

CREATE INDEX user_subscriptions_user_created_idx ON user_subscriptions (user_id, created_at DESC);

-- Not unique: a provider keeps one id across plan changes, which may be recorded as new rows.
CREATE INDEX user_subscriptions_provider_ref_idx
  ON user_subscriptions (provider_ref)
  WHERE provider_ref IS NOT NULL;

CREATE TRIGGER user_subscriptions_set_updated_at
  BEFORE UPDATE ON user_subscriptions
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE user_subscriptions;
