-- Pantry inventory: what a user has at home, where, and until when.
-- migrate:up
CREATE TABLE pantry_items (
  item_id         UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id         UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  item_name       TEXT NOT NULL CHECK (char_length(item_name) BETWEEN 1 AND 200),
  quantity        NUMERIC NOT NULL DEFAULT 1 CHECK (quantity >= 0),
  -- Free text ('cups', 'lbs', 'oz', 'count', ...): recipes use many units.
  unit            TEXT NOT NULL DEFAULT 'count' CHECK (char_length(unit) BETWEEN 1 AND 32),
  category        TEXT CHECK (char_length(category) BETWEEN 1 AND 50),
  expiration_date DATE,
  location        TEXT NOT NULL DEFAULT 'pantry' CHECK (location IN ('fridge', 'freezer', 'pantry')),
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX pantry_items_user_created_idx ON pantry_items (user_id, created_at DESC);
-- "Use soon" lists: items by expiry.
CREATE INDEX pantry_items_user_expiration_idx ON pantry_items (user_id, expiration_date)
  WHERE expiration_date IS NOT NULL;

CREATE TRIGGER pantry_items_set_updated_at
  BEFORE UPDATE ON pantry_items
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE pantry_items;
