-- Meal plans: recipes laid out over a run of days, with the shopping they need.
-- migrate:up
CREATE TABLE meal_plans (
  plan_id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id          UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  plan_name        TEXT NOT NULL CHECK (char_length(plan_name) BETWEEN 1 AND 200),
  start_date       DATE NOT NULL,
  duration_days    INTEGER NOT NULL DEFAULT 7 CHECK (duration_days BETWEEN 1 AND 366),
  -- {date: {breakfast: recipe_id, lunch: ..., dinner: ...}}
  meals            JSONB NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(meals) = 'object'),
  shopping_list    JSONB NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(shopping_list) = 'array'),
  total_cost_cents INTEGER CHECK (total_cost_cents >= 0),
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX meal_plans_user_created_idx ON meal_plans (user_id, created_at DESC);
CREATE INDEX meal_plans_user_start_idx ON meal_plans (user_id, start_date);

CREATE TRIGGER meal_plans_set_updated_at
  BEFORE UPDATE ON meal_plans
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE meal_plans;
