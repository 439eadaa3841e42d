-- Haunted house plans, one row per room.
-- migrate:up
CREATE TABLE haunted_house_plans (
  plan_id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id            UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  room_name          TEXT NOT NULL CHECK (char_length(room_name) BETWEEN 1 AND 200),
  scare_level        INTEGER NOT NULL CHECK (scare_level BETWEEN 1 AND 10),
  props_needed       JSONB NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(props_needed) = 'array'),
  setup_instructions TEXT[] NOT NULL DEFAULT '{}',
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX haunted_house_plans_user_created_idx ON haunted_house_plans (user_id, created_at DESC);

CREATE TRIGGER haunted_house_plans_set_updated_at
  BEFORE UPDATE ON haunted_house_plans
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE haunted_house_plans;
