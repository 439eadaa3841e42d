-- Family membership and each member's role.
-- migrate:up
CREATE TABLE family_members (
  member_id  UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  family_id  UUID NOT NULL REFERENCES families (family_id) ON DELETE CASCADE,
  user_id    UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  role       TEXT NOT NULL CHECK (role IN ('admin', 'parent', 'child')),
  joined_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT family_members_family_user_key UNIQUE (family_id, user_id)
);

-- "My families": the unique key above only serves look-ups by family.
CREATE INDEX family_members_user_idx ON family_members (user_id, joined_at DESC);

CREATE TRIGGER family_members_set_updated_at
  BEFORE UPDATE ON family_members
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE family_members;
