-- Shopping in a shop with no signal: items added one at a time with an Idempotency-Key (an
-- offline outbox sends its additions when the signal returns, perhaps twice), remembered per
-- list for a week so a resend adds nothing more; and each list keeps the order its store's
-- aisles are walked in (items carry their aisle in the items JSON, guessed from the name when
-- none was chosen).
-- migrate:up
ALTER TABLE shopping_lists
  ADD COLUMN aisle_order TEXT[] NOT NULL DEFAULT '{}' CHECK (cardinality(aisle_order) <= 9);

CREATE TABLE shopping_list_requests (
  list_id         UUID NOT NULL REFERENCES shopping_lists (list_id) ON DELETE CASCADE,
  idempotency_key TEXT NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
  request_hash    TEXT NOT NULL,
  -- What the first request came to: 201 added, 200 joined an item already there.
  status          SMALLINT NOT NULL CHECK (status IN (200, 201)),
  created_at      TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (list_id, idempotency_key)
);
CREATE INDEX shopping_list_requests_created_idx ON shopping_list_requests (created_at);

-- migrate:down
DROP TABLE shopping_list_requests;
ALTER TABLE shopping_lists DROP COLUMN aisle_order;
