-- Family groups: the unit that shares todo lists and a calendar.
-- migrate:up
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at = now();
  RETURN NEW;
END;
$$;

CREATE TABLE families (
  family_id   UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  family_name TEXT NOT NULL CHECK (char_length(family_name) BETWEEN 1 AND 100),
  created_by  UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX families_created_by_created_idx ON families (created_by, created_at DESC);

CREATE TRIGGER families_set_updated_at
  BEFORE UPDATE ON families
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE families;
DROP FUNCTION set_updated_at();
