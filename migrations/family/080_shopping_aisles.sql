-- Shopping by aisle: each item sits in an aisle (a category), guessed from its name when the
-- member adding it names none, and each list keeps the store it is for and the order in which
-- that store's aisles are walked, which members set. A list's settings change as its items do:
-- a new version and one event ('list.updated') that members follow live.
-- migrate:up
ALTER TABLE family_shopping_items
  ADD COLUMN aisle TEXT NOT NULL DEFAULT 'other'
    CHECK (aisle IN ('produce', 'bakery', 'dairy', 'meat-fish', 'frozen', 'pantry', 'drinks', 'household', 'other'));

ALTER TABLE family_shopping_lists
  ADD COLUMN store_name TEXT CHECK (char_length(store_name) BETWEEN 1 AND 100),
  ADD COLUMN aisle_order TEXT[] NOT NULL DEFAULT '{}' CHECK (cardinality(aisle_order) <= 9);

ALTER TABLE family_shopping_events DROP CONSTRAINT family_shopping_events_kind_check;
ALTER TABLE family_shopping_events ADD CONSTRAINT family_shopping_events_kind_check
  CHECK (kind IN ('item.added', 'item.updated', 'item.removed', 'list.regenerated', 'list.renamed', 'list.updated'));

-- migrate:down
DELETE FROM family_shopping_events WHERE kind = 'list.updated';
ALTER TABLE family_shopping_events DROP CONSTRAINT family_shopping_events_kind_check;
ALTER TABLE family_shopping_events ADD CONSTRAINT family_shopping_events_kind_check
  CHECK (kind IN ('item.added', 'item.updated', 'item.removed', 'list.regenerated', 'list.renamed'));
ALTER TABLE family_shopping_lists DROP COLUMN aisle_order, DROP COLUMN store_name;
ALTER TABLE family_shopping_items DROP COLUMN aisle;
