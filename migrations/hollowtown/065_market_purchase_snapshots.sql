-- Buyers keep what they bought: each purchase holds a copy of the item (the whole plan or costume
-- pattern, in the API's shape, without anything of the seller's) taken when it is recorded and
-- refreshed when the seller's account is erased, so the buyer still reads it after the seller's
-- items are gone. A refund ends the access and drops the copy. An erased seller's sales keep no
-- seller: seller_id becomes NULL (pending purchases keep it until their transfer settles).
-- migrate:up
ALTER TABLE market_purchases ADD COLUMN item_snapshot JSONB;
ALTER TABLE market_purchases ALTER COLUMN seller_id DROP NOT NULL;
ALTER TABLE market_purchases ADD CONSTRAINT market_purchases_snapshot_check CHECK (
  (status <> 'refunded' OR item_snapshot IS NULL)
  AND (status <> 'pending' OR seller_id IS NOT NULL)
  AND (item_snapshot IS NULL OR (jsonb_typeof(item_snapshot) = 'object'
    -- A backstop: the copy holds only the item's fields, each within the item's own limits
    -- (at most about 150,000 characters for a plan), so a legitimate copy is far below this.
    AND octet_length(item_snapshot::text) <= 1048576))
);

-- Purchases recorded before this step get their copy from the item as it is now (an item whose
-- seller was erased already is gone, and so is that copy).
UPDATE market_purchases p SET item_snapshot = CASE l.item_kind
    WHEN 'plan' THEN jsonb_build_object(
      'item_kind', 'plan', 'plan_id', h.plan_id, 'room_name', h.room_name, 'scare_level', h.scare_level,
      'props_needed', h.props_needed, 'setup_instructions', to_jsonb(h.setup_instructions))
    ELSE jsonb_build_object(
      'item_kind', 'costume', 'costume_id', c.costume_id, 'costume_name', c.costume_name,
      'description', c.description, 'difficulty', c.difficulty, 'materials', c.materials,
      'cost_estimate_cents', c.cost_estimate_cents, 'image_url', c.image_url, 'tags', to_jsonb(c.tags))
  END
FROM market_listings l
  LEFT JOIN haunted_house_plans h ON h.plan_id = l.plan_id
  LEFT JOIN costume_ideas c ON c.costume_id = l.costume_id
WHERE p.listing_id = l.listing_id AND p.status <> 'refunded';

-- migrate:down
-- The sales of erased sellers name nobody: the nil id, which no account has.
UPDATE market_purchases SET seller_id = '00000000-0000-0000-0000-000000000000' WHERE seller_id IS NULL;
ALTER TABLE market_purchases DROP CONSTRAINT market_purchases_snapshot_check;
ALTER TABLE market_purchases ALTER COLUMN seller_id SET NOT NULL;
ALTER TABLE market_purchases DROP COLUMN item_snapshot;
