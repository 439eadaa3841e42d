-- Hollowtown's outbox: recipe.updated / recipe.deleted for recipes shared to another app,
-- written in the transaction of the edit and consumed at least once (HowToCookAtHome keeps its
-- copies in step), with a cursor per consumer. Each recipe counts its edits (version), so a
-- consumer never lets an older state overwrite a newer one.
-- migrate:up
ALTER TABLE spooky_recipes
  ADD COLUMN version   BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
  -- When the owner first shared it to another app: from then on its edits go to the outbox.
  ADD COLUMN shared_at TIMESTAMPTZ;

-- Sharing a recipe is not an edit of it: updated_at follows the recipe's own fields only.
DROP TRIGGER spooky_recipes_set_updated_at ON spooky_recipes;
CREATE TRIGGER spooky_recipes_set_updated_at
  BEFORE UPDATE OF user_id, recipe_name, description, spookiness_level, difficulty, ingredients,
    instructions, prep_time_minutes, serves, tags, image_url, is_published, source, ai_model
  ON spooky_recipes
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE outbox (
  event_id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  topic      TEXT NOT NULL CHECK (topic ~ '^[a-z]+(\.[a-z_]+)+$'),
  payload    JSONB NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE outbox_cursors (
  consumer      TEXT PRIMARY KEY CHECK (char_length(consumer) BETWEEN 1 AND 100),
  last_event_id BIGINT NOT NULL DEFAULT 0,
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TRIGGER outbox_cursors_set_updated_at
  BEFORE UPDATE ON outbox_cursors
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE outbox_cursors;
DROP TABLE outbox;

DROP TRIGGER spooky_recipes_set_updated_at ON spooky_recipes;
CREATE TRIGGER spooky_recipes_set_updated_at
  BEFORE UPDATE ON spooky_recipes
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE spooky_recipes DROP COLUMN shared_at, DROP COLUMN version;
