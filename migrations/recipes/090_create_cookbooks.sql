-- Cookbooks: a person's ordered collection of recipes, private, shared with one family they
-- belong to (family_db.families, another database: checked through Family Planner's client), or
-- public. A recipe leaves every cookbook when it is deleted; who may see which entry is decided
-- when it is read (see src/recipes/store/cookbooks.ts), never stored.
-- migrate:up
CREATE TABLE cookbooks (
  cookbook_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  title       TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 120),
  description TEXT CHECK (char_length(description) <= 2000),
  visibility  TEXT NOT NULL CHECK (visibility IN ('private', 'family', 'public')),
  family_id   UUID, -- family_db.families(family_id), not a foreign key: another database
  created_at  TIMESTAMPTZ NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL,
  CONSTRAINT cookbooks_family_only_when_shared CHECK ((visibility = 'family') = (family_id IS NOT NULL))
);

CREATE INDEX cookbooks_user_created_idx ON cookbooks (user_id, created_at DESC, cookbook_id DESC);
CREATE INDEX cookbooks_public_created_idx ON cookbooks (created_at DESC, cookbook_id DESC)
  WHERE visibility = 'public';
CREATE INDEX cookbooks_family_idx ON cookbooks (family_id, created_at DESC) WHERE visibility = 'family';

CREATE TABLE cookbook_recipes (
  cookbook_id UUID NOT NULL REFERENCES cookbooks (cookbook_id) ON DELETE CASCADE,
  recipe_id   UUID NOT NULL REFERENCES recipes (recipe_id) ON DELETE CASCADE,
  position    INTEGER NOT NULL CHECK (position >= 0),
  added_at    TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (cookbook_id, recipe_id)
);

CREATE INDEX cookbook_recipes_order_idx ON cookbook_recipes (cookbook_id, position, recipe_id);
CREATE INDEX cookbook_recipes_recipe_idx ON cookbook_recipes (recipe_id);

-- migrate:down
DROP TABLE cookbook_recipes;
DROP TABLE cookbooks;
