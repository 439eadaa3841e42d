-- The starter pack (content/starter): which loaded item each pack key became, and the hash of the
-- pack text it was last loaded from. A key whose item is gone was deleted by an operator: loading
-- again leaves it deleted (unless asked to restore). Haunted-house rooms can be published, like
-- recipes, so the pack's rooms (and anyone's) can be read by every signed-in user.
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

-- IF NOT EXISTS: the votes work may publish rooms too; both migrations then agree.
ALTER TABLE haunted_house_plans ADD COLUMN IF NOT EXISTS is_published BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX IF NOT EXISTS haunted_house_plans_published_page_idx
  ON haunted_house_plans (created_at DESC, plan_id DESC) WHERE is_published;

-- migrate:down
DROP INDEX IF EXISTS haunted_house_plans_published_page_idx;
ALTER TABLE haunted_house_plans DROP COLUMN IF EXISTS is_published;
DROP TABLE starter_items;
