-- Shopping lists, open until purchased.
-- migrate:up
CREATE TABLE shopping_lists (
  list_id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id          UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  list_name        TEXT NOT NULL CHECK (char_length(list_name) BETWEEN 1 AND 200),
  store            TEXT CHECK (char_length(store) BETWEEN 1 AND 100),
  items            JSONB NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(items) = 'array'),
  total_cost_cents INTEGER CHECK (total_cost_cents >= 0),
  purchased_at     TIMESTAMPTZ,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX shopping_lists_user_created_idx ON shopping_lists (user_id, created_at DESC);
CREATE INDEX shopping_lists_user_open_idx ON shopping_lists (user_id, created_at DESC)
  WHERE purchased_at IS NULL;

CREATE TRIGGER shopping_lists_set_updated_at
  BEFORE UPDATE ON shopping_lists
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE shopping_lists;
