-- Events planned with a family: recipes from either app added to an event, and the family
-- shopping list generated from them (kept in family_db, referenced here by id).
-- migrate:up
CREATE TABLE event_recipes (
  event_id   UUID NOT NULL REFERENCES halloween_events (event_id) ON DELETE CASCADE,
  domain     TEXT NOT NULL CHECK (domain IN ('hollowtown', 'recipes')),
  -- hollowtown_db.spooky_recipes or recipes_db.recipes, by domain: not a foreign key.
  recipe_id  UUID NOT NULL,
  -- The member who added it: the recipe is read as they may read it when the list is made.
  added_by   UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, domain, recipe_id)
);

CREATE INDEX event_recipes_added_by_idx ON event_recipes (added_by);

-- family_db.family_shopping_lists(list_id), not a foreign key: another database
ALTER TABLE halloween_events ADD COLUMN family_list_id UUID;

CREATE INDEX halloween_events_family_date_idx ON halloween_events (family_id, event_date) WHERE family_id IS NOT NULL;

-- migrate:down
DROP INDEX halloween_events_family_date_idx;
ALTER TABLE halloween_events DROP COLUMN family_list_id;
DROP TABLE event_recipes;
