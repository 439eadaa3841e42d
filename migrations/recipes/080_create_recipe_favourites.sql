-- migrate:up
-- Favourites: a person's mark on a recipe they may read (theirs, or published). The mark goes
-- with the recipe, and with the person when identity deletes the account (user.deleted).
CREATE TABLE recipe_favourites (
  user_id    UUID NOT NULL,
  recipe_id  UUID NOT NULL REFERENCES recipes (recipe_id) ON DELETE CASCADE,
  created_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (user_id, recipe_id)
);
CREATE INDEX recipe_favourites_recipe_idx ON recipe_favourites (recipe_id);

-- migrate:down
DROP TABLE recipe_favourites;
