-- A shopping list generated from a meal plan remembers the plan (kept when the plan goes).
-- migrate:up
ALTER TABLE shopping_lists
  ADD COLUMN plan_id UUID REFERENCES meal_plans (plan_id) ON DELETE SET NULL;

CREATE INDEX shopping_lists_plan_idx ON shopping_lists (plan_id) WHERE plan_id IS NOT NULL;

-- migrate:down
DROP INDEX shopping_lists_plan_idx;
ALTER TABLE shopping_lists DROP COLUMN plan_id;
