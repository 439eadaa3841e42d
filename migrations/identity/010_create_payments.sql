-- Payments through a provider (dev or Stripe), the provider events already applied, and the provider's clock on subscriptions.
-- migrate:up
CREATE TABLE payments (
  payment_id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id             UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  provider            TEXT NOT NULL CHECK (provider IN ('dev', 'stripe')),
  -- The provider's id for the payment (a Stripe Checkout Session id); one grant per payment.
  provider_payment_id TEXT CHECK (char_length(provider_payment_id) BETWEEN 1 AND 255),
  credits             INTEGER NOT NULL CHECK (credits BETWEEN 1 AND 1000000000),
  amount_cents        INTEGER NOT NULL CHECK (amount_cents >= 0),
  status              TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed')),
  -- The client's Idempotency-Key; NULL for payments that arrive only through a webhook.
  idempotency_key     TEXT CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
  completed_at        TIMESTAMPTZ,
  created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT payments_completed_has_time CHECK (status <> 'completed' OR completed_at IS NOT NULL),
  CONSTRAINT payments_provider_payment_key UNIQUE (provider, provider_payment_id),
  CONSTRAINT payments_user_idempotency_key UNIQUE (user_id, idempotency_key)
);

CREATE INDEX payments_user_created_idx ON payments (user_id, created_at DESC);

CREATE TRIGGER payments_set_updated_at
  BEFORE UPDATE ON payments
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Every provider event applied once, whatever the replays. No foreign key to the user: the
-- record that an event was seen outlives an account's deletion.
CREATE TABLE payment_events (
  provider    TEXT NOT NULL CHECK (provider IN ('stripe')),
  event_id    TEXT NOT NULL CHECK (char_length(event_id) BETWEEN 1 AND 255),
  event_type  TEXT NOT NULL CHECK (char_length(event_type) BETWEEN 1 AND 100),
  -- What the event did: applied, or why it changed nothing.
  outcome     TEXT NOT NULL CHECK (char_length(outcome) BETWEEN 1 AND 200),
  received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, event_id)
);

-- Providers do not deliver events in order: an event older than the last one applied to a
-- subscription is not allowed to undo it.
ALTER TABLE user_subscriptions ADD COLUMN provider_event_at TIMESTAMPTZ;

-- migrate:down
ALTER TABLE user_subscriptions DROP COLUMN provider_event_at;
DROP TABLE payment_events;
DROP TABLE payments;
