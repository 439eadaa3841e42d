-- A purchase keeps what its transfer names (recipes:listing:<id>) from the moment it is
-- recorded, so a retry of a pending one sends identity the same reference once its listing went
-- (the listing id becomes NULL then) and learns whether it was paid, rather than being refused.
-- migrate:up
ALTER TABLE market_purchases ADD COLUMN transfer_reference TEXT
  CHECK (char_length(transfer_reference) BETWEEN 1 AND 200);
UPDATE market_purchases SET transfer_reference = 'recipes:listing:' || listing_id
  WHERE listing_id IS NOT NULL;

-- migrate:down
ALTER TABLE market_purchases DROP COLUMN transfer_reference;
