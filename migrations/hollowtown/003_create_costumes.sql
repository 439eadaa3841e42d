-- Costume ideas and who upvoted them.
-- migrate:up
CREATE TABLE costume_ideas (
  costume_id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id             UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  costume_name        TEXT NOT NULL CHECK (char_length(costume_name) BETWEEN 1 AND 200),
  description         TEXT,
  difficulty          TEXT NOT NULL CHECK (difficulty IN ('easy', 'medium', 'hard', 'nightmare')),
  materials           JSONB NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(materials) = 'array'),
  cost_estimate_cents INTEGER CHECK (cost_estimate_cents >= 0),
  image_url           TEXT,
  tags                TEXT[] NOT NULL DEFAULT '{}',
  -- Denormalised count of costume_upvotes rows, kept in step by the app in the same transaction.
  upvotes             INTEGER NOT NULL DEFAULT 0 CHECK (upvotes >= 0),
  created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX costume_ideas_user_created_idx ON costume_ideas (user_id, created_at DESC);
CREATE INDEX costume_ideas_popular_idx ON costume_ideas (upvotes DESC, created_at DESC);
CREATE INDEX costume_ideas_tags_idx ON costume_ideas USING GIN (tags);
CREATE INDEX costume_ideas_difficulty_idx ON costume_ideas (difficulty);

CREATE TRIGGER costume_ideas_set_updated_at
  BEFORE UPDATE ON costume_ideas
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One vote per user per costume.
CREATE TABLE costume_upvotes (
  costume_id UUID NOT NULL REFERENCES costume_ideas (costume_id) ON DELETE CASCADE,
  user_id    UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (costume_id, user_id)
);

CREATE INDEX costume_upvotes_user_created_idx ON costume_upvotes (user_id, created_at DESC);

-- migrate:down
DROP TABLE costume_upvotes;
DROP TABLE costume_ideas;
