-- HowToCookAtHome recipes, their ratings, and references to recipes shared from other domains.
-- migrate:up
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at = now();
  RETURN NEW;
END;
$$;

CREATE TABLE recipes (
  recipe_id         UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id           UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  recipe_name       TEXT NOT NULL CHECK (char_length(recipe_name) BETWEEN 1 AND 200),
  description       TEXT,
  cuisine           TEXT CHECK (char_length(cuisine) BETWEEN 1 AND 50),
  difficulty        TEXT NOT NULL CHECK (difficulty IN ('easy', 'medium', 'hard')),
  prep_time_minutes INTEGER CHECK (prep_time_minutes >= 0),
  cook_time_minutes INTEGER CHECK (cook_time_minutes >= 0),
  serves            INTEGER CHECK (serves > 0),
  calories          INTEGER CHECK (calories >= 0),
  ingredients       JSONB NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(ingredients) = 'array'),
  instructions      TEXT[] NOT NULL DEFAULT '{}',
  nutrition         JSONB NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(nutrition) = 'object'),
  allergens         TEXT[] NOT NULL DEFAULT '{}',
  tags              TEXT[] NOT NULL DEFAULT '{}',
  image_url         TEXT,
  -- Denormalised from recipe_ratings, kept in step by the app in the same transaction.
  rating_avg        NUMERIC(3,2) NOT NULL DEFAULT 0 CHECK (rating_avg BETWEEN 0 AND 5),
  rating_count      INTEGER NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
  is_published      BOOLEAN NOT NULL DEFAULT false,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT recipes_unrated_has_zero_avg CHECK (rating_count > 0 OR rating_avg = 0)
);

CREATE INDEX recipes_user_created_idx ON recipes (user_id, created_at DESC);
CREATE INDEX recipes_published_created_idx ON recipes (created_at DESC) WHERE is_published;
CREATE INDEX recipes_published_rating_idx ON recipes (rating_avg DESC, rating_count DESC) WHERE is_published;
CREATE INDEX recipes_tags_idx ON recipes USING GIN (tags);
CREATE INDEX recipes_cuisine_idx ON recipes (lower(cuisine));
CREATE INDEX recipes_difficulty_idx ON recipes (difficulty);

CREATE TRIGGER recipes_set_updated_at
  BEFORE UPDATE ON recipes
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One rating per user per recipe; re-rating updates the row.
CREATE TABLE recipe_ratings (
  recipe_id  UUID NOT NULL REFERENCES recipes (recipe_id) ON DELETE CASCADE,
  user_id    UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  rating     SMALLINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (recipe_id, user_id)
);

CREATE INDEX recipe_ratings_user_created_idx ON recipe_ratings (user_id, created_at DESC);

CREATE TRIGGER recipe_ratings_set_updated_at
  BEFORE UPDATE ON recipe_ratings
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- "Share to My Recipes": a link to a recipe that lives in its source domain's database,
-- so edits there show up here without copying.
CREATE TABLE recipe_references (
  reference_id     UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id          UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  source_domain    TEXT NOT NULL CHECK (source_domain IN ('hollowtown', 'recipes')),
  -- Id in the source domain's database, not a foreign key: it may be another database.
  source_recipe_id UUID NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT recipe_references_user_source_key UNIQUE (user_id, source_domain, source_recipe_id)
);

CREATE INDEX recipe_references_user_created_idx ON recipe_references (user_id, created_at DESC);
-- Finds every reference to a source recipe when it changes or is deleted.
CREATE INDEX recipe_references_source_idx ON recipe_references (source_domain, source_recipe_id);

-- migrate:down
DROP TABLE recipe_references;
DROP TABLE recipe_ratings;
DROP TABLE recipes;
DROP FUNCTION set_updated_at();
