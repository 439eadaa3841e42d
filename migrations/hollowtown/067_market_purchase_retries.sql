-- A pending purchase the sweep could not finish (identity away, or holding another transfer under
-- its key) waits longer after each failed attempt: how many there were, when the next one is
-- due, and why the last one failed, which the console's market report shows staff.
-- migrate:up
ALTER TABLE market_purchases
  ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  ADD COLUMN last_attempt_at TIMESTAMPTZ,
  ADD COLUMN next_attempt_at TIMESTAMPTZ,
  ADD COLUMN last_error_code TEXT CHECK (char_length(last_error_code) BETWEEN 1 AND 100),
  ADD COLUMN last_error TEXT CHECK (char_length(last_error) BETWEEN 1 AND 500);
-- The sweep and the report read the pending ones, oldest first.
CREATE INDEX market_purchases_pending_idx ON market_purchases (created_at) WHERE status = 'pending';

-- migrate:down
DROP INDEX market_purchases_pending_idx;
ALTER TABLE market_purchases
  DROP COLUMN attempts,
  DROP COLUMN last_attempt_at,
  DROP COLUMN next_attempt_at,
  DROP COLUMN last_error_code,
  DROP COLUMN last_error;
