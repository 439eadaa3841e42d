-- The starter pack (content/starter): which loaded item each pack key became, and the hash of the
-- pack text it was last loaded from. A key whose item is gone was deleted by an operator: loading
-- again leaves it deleted (unless asked to restore). The pack's haunted-house rooms are published
-- (haunted_house_plans.is_published, migration 010), so every signed-in user can read them.
-- migrate:up
CREATE TABLE starter_items (
  kind         TEXT NOT NULL CHECK (kind IN ('recipe', 'costume', 'room')),
  starter_key  TEXT NOT NULL CHECK (starter_key ~ '^[a-z0-9][a-z0-9-]{0,99}$'),
  -- spooky_recipes, costume_ideas or haunted_house_plans by kind; no foreign key: it outlives its item.
  item_id      UUID NOT NULL,
  content_hash TEXT NOT NULL CHECK (char_length(content_hash) = 64),
  loaded_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, starter_key)
);

CREATE INDEX starter_items_item_idx ON starter_items (item_id);

-- migrate:down
DROP TABLE starter_items;
