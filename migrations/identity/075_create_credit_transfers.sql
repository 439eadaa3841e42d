-- Marketplace transfers between two accounts on the shared wallet: the buyer pays the price, the
-- seller receives it less the platform's fee (CALOS_MARKET_FEE_PERCENT, kept on the row as it was
-- at the time), all in one transaction with the ledger entries that explain it. A transfer is
-- made once per (buyer, idempotency key) and refunded at most once.
-- migrate:up
CREATE TABLE credit_transfers (
  transfer_id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Null once that account is deleted: the other side keeps its record.
  from_user_id         UUID REFERENCES users (user_id) ON DELETE SET NULL,
  to_user_id           UUID REFERENCES users (user_id) ON DELETE SET NULL,
  amount               INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 1000000000),
  fee                  INTEGER NOT NULL CHECK (fee >= 0 AND fee <= amount),
  fee_percent          INTEGER NOT NULL CHECK (fee_percent BETWEEN 0 AND 100),
  idempotency_key      TEXT NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
  -- What the caller says the transfer is for (e.g. 'hollowtown:listing:<id>'): a retry under
  -- the same key must name the same thing.
  reference            TEXT NOT NULL CHECK (char_length(reference) BETWEEN 1 AND 200),
  reason               TEXT NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 200),
  status               TEXT NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'refunded')),
  from_balance_after   INTEGER NOT NULL CHECK (from_balance_after >= 0),
  to_balance_after     INTEGER NOT NULL CHECK (to_balance_after >= 0),
  refund_key           TEXT CHECK (char_length(refund_key) BETWEEN 1 AND 200),
  refund_reason        TEXT CHECK (char_length(refund_reason) BETWEEN 1 AND 200),
  refund_from_balance  INTEGER CHECK (refund_from_balance >= 0),
  refund_to_balance    INTEGER CHECK (refund_to_balance >= 0),
  created_at           TIMESTAMPTZ NOT NULL,
  refunded_at          TIMESTAMPTZ,
  CHECK (from_user_id IS NULL OR to_user_id IS NULL OR from_user_id <> to_user_id),
  CHECK ((status = 'refunded') = (refund_key IS NOT NULL AND refunded_at IS NOT NULL))
);

CREATE UNIQUE INDEX credit_transfers_from_key ON credit_transfers (from_user_id, idempotency_key);
CREATE INDEX credit_transfers_to_idx ON credit_transfers (to_user_id, created_at DESC);

ALTER TABLE credit_ledger DROP CONSTRAINT credit_ledger_kind_check;
ALTER TABLE credit_ledger ADD CONSTRAINT credit_ledger_kind_check
  CHECK (kind IN ('signup_grant', 'purchase', 'reserve', 'release', 'refund', 'settle_extra', 'admin_grant', 'reward',
                  'market_purchase', 'market_sale', 'market_fee', 'market_refund'));

-- migrate:down
DELETE FROM credit_ledger WHERE kind IN ('market_purchase', 'market_sale', 'market_fee', 'market_refund');
ALTER TABLE credit_ledger DROP CONSTRAINT credit_ledger_kind_check;
ALTER TABLE credit_ledger ADD CONSTRAINT credit_ledger_kind_check
  CHECK (kind IN ('signup_grant', 'purchase', 'reserve', 'release', 'refund', 'settle_extra', 'admin_grant', 'reward'));
DROP TABLE credit_transfers;
