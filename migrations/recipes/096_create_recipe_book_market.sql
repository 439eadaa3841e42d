-- The recipe books marketplace: an owner lists one of their cookbooks (of their own recipes only)
-- for a price in credits; a buyer pays through identity's credit transfer and then reads the whole
-- book, its private recipes too. Purchases are recorded here under the buyer's idempotency key,
-- so a retry finds its purchase instead of paying twice (as Hollowtown's marketplace does).
-- migrate:up
CREATE TABLE market_listings (
  listing_id  UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  seller_id   UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  -- The listed book: it goes, so does its listing (purchases keep their record).
  cookbook_id UUID NOT NULL UNIQUE REFERENCES cookbooks (cookbook_id) ON DELETE CASCADE,
  title       TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  -- The public preview's words; the book itself is for its buyers.
  summary     TEXT NOT NULL DEFAULT '' CHECK (char_length(summary) <= 2000),
  price       INTEGER NOT NULL CHECK (price BETWEEN 1 AND 1000000),
  is_listed   BOOLEAN NOT NULL DEFAULT true,
  created_at  TIMESTAMPTZ NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL
);

CREATE INDEX market_listings_listed_idx ON market_listings (created_at DESC, listing_id DESC) WHERE is_listed;
CREATE INDEX market_listings_seller_idx ON market_listings (seller_id, created_at DESC);

CREATE TABLE market_purchases (
  purchase_id     UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  listing_id      UUID REFERENCES market_listings (listing_id) ON DELETE SET NULL,
  buyer_id        UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key
  seller_id       UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key
  idempotency_key TEXT NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
  title           TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  -- The price when bought (what the transfer moves, also on a retry after the price changed).
  price           INTEGER NOT NULL CHECK (price BETWEEN 1 AND 1000000),
  -- Pending between recording the purchase and identity's transfer; completed with its transfer;
  -- refunded by staff (identity reversed the transfer, the buyer's access ended).
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'refunded')),
  transfer_id     UUID, -- calos_identity.credit_transfers(transfer_id), not a foreign key
  fee             INTEGER CHECK (fee >= 0 AND fee <= price),
  created_at      TIMESTAMPTZ NOT NULL,
  completed_at    TIMESTAMPTZ,
  refunded_at     TIMESTAMPTZ,
  refund_reason   TEXT CHECK (char_length(refund_reason) BETWEEN 1 AND 200),
  CONSTRAINT market_purchases_buyer_key UNIQUE (buyer_id, idempotency_key),
  CHECK ((status <> 'pending') = (transfer_id IS NOT NULL AND fee IS NOT NULL AND completed_at IS NOT NULL)),
  CHECK ((status = 'refunded') = (refunded_at IS NOT NULL AND refund_reason IS NOT NULL))
);

-- One purchase of a listing per buyer, whatever keys their retries carry (a refunded one aside).
CREATE UNIQUE INDEX market_purchases_listing_buyer ON market_purchases (listing_id, buyer_id)
  WHERE listing_id IS NOT NULL AND status <> 'refunded';
CREATE INDEX market_purchases_buyer_idx ON market_purchases (buyer_id, created_at DESC);
CREATE INDEX market_purchases_seller_idx ON market_purchases (seller_id, created_at DESC);
CREATE INDEX market_purchases_pending_idx ON market_purchases (created_at) WHERE status = 'pending';

-- migrate:down
DROP TABLE market_purchases;
DROP TABLE market_listings;
