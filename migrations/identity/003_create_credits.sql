-- Credits balance shared by every domain (Ollama metering, premium features).
-- migrate:up
CREATE TABLE credits_balance (
  user_id        UUID PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
  -- New accounts start with 1000 free credits; spends must never overdraw.
  balance        INTEGER NOT NULL DEFAULT 1000 CHECK (balance >= 0),
  lifetime_spent INTEGER NOT NULL DEFAULT 0 CHECK (lifetime_spent >= 0),
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TRIGGER credits_balance_set_updated_at
  BEFORE UPDATE ON credits_balance
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE credits_balance;
