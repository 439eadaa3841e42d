-- Append-only credit ledger (a balance always equals the sum of its user's entries) and credit holds for metered calls.
-- migrate:up
CREATE TABLE credit_reservations (
  reservation_id    UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id           UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  -- Credits held; taken from the balance when the hold is made.
  amount            INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 1000000000),
  -- Credits finally spent, set when settled (may exceed amount when the balance allowed it).
  spent             INTEGER CHECK (spent >= 0),
  -- What a settle asked for beyond the hold that the balance could not cover.
  shortfall         INTEGER NOT NULL DEFAULT 0 CHECK (shortfall >= 0),
  status            TEXT NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'settled', 'refunded')),
  idempotency_key   TEXT NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
  reason            TEXT NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 200),
  -- The settle or refund that closed the hold: its key, the amount it asked for (settle) and
  -- the balance it left, so that a retry gets the same answer without a second effect.
  closed_by_key     TEXT CHECK (char_length(closed_by_key) BETWEEN 1 AND 200),
  settle_requested  INTEGER CHECK (settle_requested >= 0),
  balance_at_close  INTEGER CHECK (balance_at_close >= 0),
  created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT credit_reservations_user_key UNIQUE (user_id, idempotency_key),
  CONSTRAINT credit_reservations_closed CHECK (
    (status = 'held' AND closed_by_key IS NULL AND spent IS NULL)
    OR (status = 'settled' AND closed_by_key IS NOT NULL AND spent IS NOT NULL AND settle_requested IS NOT NULL)
    OR (status = 'refunded' AND closed_by_key IS NOT NULL AND spent IS NULL)
  )
);

CREATE INDEX credit_reservations_held_idx ON credit_reservations (created_at) WHERE status = 'held';

CREATE TRIGGER credit_reservations_set_updated_at
  BEFORE UPDATE ON credit_reservations
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE credit_ledger (
  entry_id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id         UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  -- Signed: grants, releases and refunds add, holds and extra charges take away.
  amount          INTEGER NOT NULL CHECK (amount <> 0),
  kind            TEXT NOT NULL CHECK (kind IN ('signup_grant', 'purchase', 'reserve', 'release', 'refund', 'settle_extra', 'admin_grant')),
  reason          TEXT NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 200),
  -- Namespaced by operation ('signup', 'payment:<id>', 'grant:<key>'); one effect per key.
  idempotency_key TEXT CHECK (char_length(idempotency_key) BETWEEN 1 AND 300),
  reservation_id  UUID REFERENCES credit_reservations (reservation_id) ON DELETE CASCADE,
  balance_after   INTEGER NOT NULL CHECK (balance_after >= 0),
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK ((kind IN ('reserve', 'release', 'refund', 'settle_extra')) = (reservation_id IS NOT NULL))
);

CREATE UNIQUE INDEX credit_ledger_user_idempotency_key
  ON credit_ledger (user_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- A hold is taken, released, refunded or over-charged at most once.
CREATE UNIQUE INDEX credit_ledger_reservation_kind
  ON credit_ledger (reservation_id, kind)
  WHERE reservation_id IS NOT NULL;

CREATE INDEX credit_ledger_user_idx ON credit_ledger (user_id, entry_id DESC);

-- Append-only: a correction is a new entry. Rows still go when their user is deleted.
CREATE FUNCTION credit_ledger_refuse_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'credit_ledger is append-only';
END;
$$;

CREATE TRIGGER credit_ledger_append_only
  BEFORE UPDATE ON credit_ledger
  FOR EACH ROW EXECUTE FUNCTION credit_ledger_refuse_update();

-- Accounts made before the ledger existed: their whole balance becomes one opening entry,
-- and what they spent so far is already out of it, so the invariant holds from here on.
INSERT INTO credit_ledger (user_id, amount, kind, reason, idempotency_key, balance_after)
SELECT user_id, balance, 'signup_grant', 'Opening balance', 'signup', balance
FROM credits_balance
WHERE balance > 0;

-- migrate:down
DROP TABLE credit_ledger;
DROP FUNCTION credit_ledger_refuse_update();
DROP TABLE credit_reservations;
