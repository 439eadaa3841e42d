-- The starter pack's everyday recipes (content/starter): which recipe each pack key became, and
-- the hash of the pack text it was last loaded from (a key whose recipe is gone was deleted by an
-- operator and is not loaded again unless asked). Meal plans made from a template remember it, so
-- the same template on the same start date for the same user is one plan, however often asked.
-- migrate:up
CREATE TABLE starter_items (
  kind         TEXT NOT NULL CHECK (kind IN ('recipe')),
  starter_key  TEXT NOT NULL CHECK (starter_key ~ '^[a-z0-9][a-z0-9-]{0,99}$'),
  -- recipes(recipe_id); no foreign key: the row outlives its recipe.
  item_id      UUID NOT NULL,
  content_hash TEXT NOT NULL CHECK (char_length(content_hash) = 64),
  loaded_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, starter_key)
);

ALTER TABLE meal_plans
  ADD COLUMN template_key TEXT CHECK (template_key ~ '^[a-z0-9][a-z0-9-]{0,63}$');
CREATE UNIQUE INDEX meal_plans_user_template_start_key ON meal_plans (user_id, template_key, start_date)
  WHERE template_key IS NOT NULL;

-- migrate:down
DROP INDEX meal_plans_user_template_start_key;
ALTER TABLE meal_plans DROP COLUMN template_key;
DROP TABLE starter_items;
