-- Hollowtown's Halloween recipes.
-- migrate:up
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at = now();
  RETURN NEW;
END;
$$;

CREATE TABLE spooky_recipes (
  recipe_id         UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id           UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  recipe_name       TEXT NOT NULL CHECK (char_length(recipe_name) BETWEEN 1 AND 200),
  description       TEXT,
  spookiness_level  INTEGER NOT NULL CHECK (spookiness_level BETWEEN 1 AND 10),
  difficulty        TEXT NOT NULL CHECK (difficulty IN ('easy', 'medium', 'hard', 'nightmare')),
  ingredients       JSONB NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(ingredients) = 'array'),
  instructions      TEXT[] NOT NULL DEFAULT '{}',
  prep_time_minutes INTEGER CHECK (prep_time_minutes >= 0),
  serves            INTEGER CHECK (serves > 0),
  tags              TEXT[] NOT NULL DEFAULT '{}',
  image_url         TEXT,
  is_published      BOOLEAN NOT NULL DEFAULT false,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX spooky_recipes_user_created_idx ON spooky_recipes (user_id, created_at DESC);
CREATE INDEX spooky_recipes_published_created_idx ON spooky_recipes (created_at DESC) WHERE is_published;
CREATE INDEX spooky_recipes_tags_idx ON spooky_recipes USING GIN (tags);
CREATE INDEX spooky_recipes_difficulty_idx ON spooky_recipes (difficulty);

CREATE TRIGGER spooky_recipes_set_updated_at
  BEFORE UPDATE ON spooky_recipes
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE spooky_recipes;
DROP FUNCTION set_updated_at();
