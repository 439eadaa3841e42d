-- Votes, reports and moderation of published recipes (src/community), and the outbox that
-- carries their changes to identity (karma, rewards, notices), like Hollowtown's.
-- migrate:up
-- Upvotes of published items, one row per voter and item; withdrawing keeps the row inactive and
-- counts the change (version), so identity applies each change of a vote once and in order.
CREATE TABLE votes (
  item_kind  TEXT NOT NULL CHECK (item_kind IN ('recipe', 'costume', 'plan')),
  item_id    UUID NOT NULL,
  voter_id   UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  is_active  BOOLEAN NOT NULL DEFAULT true,
  version    BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (item_kind, item_id, voter_id)
);

CREATE INDEX votes_voter_idx ON votes (voter_id, item_kind) WHERE is_active;

-- Active votes per item, kept in step with votes in the same transaction (lists sort on it).
CREATE TABLE vote_tallies (
  item_kind TEXT NOT NULL,
  item_id   UUID NOT NULL,
  votes     INTEGER NOT NULL DEFAULT 0 CHECK (votes >= 0),
  PRIMARY KEY (item_kind, item_id)
);

CREATE INDEX vote_tallies_top_idx ON vote_tallies (item_kind, votes DESC);

-- Reports of public items; one open report per person and item. A review closes the open ones.
CREATE TABLE reports (
  report_id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_kind   TEXT NOT NULL CHECK (item_kind IN ('recipe', 'costume', 'plan')),
  item_id     UUID NOT NULL,
  reporter_id UUID NOT NULL,
  reason      TEXT NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
  created_at  TIMESTAMPTZ NOT NULL,
  cleared_at  TIMESTAMPTZ
);

CREATE UNIQUE INDEX reports_open_idx ON reports (item_kind, item_id, reporter_id) WHERE cleared_at IS NULL;

-- Items moderation has dealt with: hidden (pending review), restored or removed.
CREATE TABLE moderation_items (
  item_kind  TEXT NOT NULL CHECK (item_kind IN ('recipe', 'costume', 'plan')),
  item_id    UUID NOT NULL,
  author_id  UUID NOT NULL,
  item_title TEXT NOT NULL CHECK (char_length(item_title) BETWEEN 1 AND 200),
  state      TEXT NOT NULL CHECK (state IN ('hidden', 'restored', 'removed')),
  reason     TEXT CHECK (char_length(reason) <= 500),
  updated_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (item_kind, item_id)
);

CREATE INDEX moderation_items_queue_idx ON moderation_items (updated_at) WHERE state = 'hidden';

-- The audit of every moderation decision (append-only), beside the state it changed.
CREATE TABLE moderation_decisions (
  decision_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_kind   TEXT NOT NULL,
  item_id     UUID NOT NULL,
  decision    TEXT NOT NULL CHECK (decision IN ('hidden', 'restored', 'removed')),
  reason      TEXT NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
  -- 'system' (enough reports) or who reviewed it ('cli:<name>').
  decided_by  TEXT NOT NULL CHECK (char_length(decided_by) BETWEEN 1 AND 200),
  created_at  TIMESTAMPTZ NOT NULL
);

CREATE INDEX moderation_decisions_item_idx ON moderation_decisions (item_kind, item_id, decision_id);

CREATE FUNCTION moderation_decisions_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'moderation_decisions is append-only';
END;
$$;

CREATE TRIGGER moderation_decisions_append_only
  BEFORE UPDATE ON moderation_decisions
  FOR EACH ROW EXECUTE FUNCTION moderation_decisions_refuse_change();

-- An item's votes, tally, reports and moderation state go with it (as a foreign key's cascade
-- would, were the kinds one table); the audit of decisions stays.
CREATE FUNCTION community_forget_item() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  kind TEXT := TG_ARGV[0];
  id   UUID := (to_jsonb(OLD) ->> TG_ARGV[1])::uuid;
BEGIN
  DELETE FROM votes WHERE item_kind = kind AND item_id = id;
  DELETE FROM vote_tallies WHERE item_kind = kind AND item_id = id;
  DELETE FROM reports WHERE item_kind = kind AND item_id = id;
  DELETE FROM moderation_items WHERE item_kind = kind AND item_id = id;
  RETURN OLD;
END;
$$;

CREATE TRIGGER recipes_forget_votes AFTER DELETE ON recipes
  FOR EACH ROW EXECUTE FUNCTION community_forget_item('recipe', 'recipe_id');

CREATE TABLE outbox (
  event_id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  topic      TEXT NOT NULL CHECK (topic ~ '^[a-z]+(\.[a-z_]+)+$'),
  payload    JSONB NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE outbox_cursors (
  consumer      TEXT PRIMARY KEY CHECK (char_length(consumer) BETWEEN 1 AND 100),
  last_event_id BIGINT NOT NULL DEFAULT 0,
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TRIGGER outbox_cursors_set_updated_at
  BEFORE UPDATE ON outbox_cursors
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TRIGGER recipes_forget_votes ON recipes;
DROP FUNCTION community_forget_item();
DROP TABLE outbox_cursors;
DROP TABLE outbox;
DROP TABLE moderation_decisions;
DROP FUNCTION moderation_decisions_refuse_change();
DROP TABLE moderation_items;
DROP TABLE reports;
DROP TABLE vote_tallies;
DROP TABLE votes;
