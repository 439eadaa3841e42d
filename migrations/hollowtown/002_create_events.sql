-- Halloween events: parties, haunted houses, trick-or-treat outings.
-- migrate:up
CREATE TABLE halloween_events (
  event_id      UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  -- Set when the event is planned for a family, so its shopping list can reach the family planner.
  family_id     UUID, -- family_db.families(family_id), not a foreign key: another database
  event_name    TEXT NOT NULL CHECK (char_length(event_name) BETWEEN 1 AND 200),
  event_type    TEXT NOT NULL CHECK (event_type IN ('party', 'haunted-house', 'trick-or-treat', 'other')),
  event_date    DATE NOT NULL,
  location      TEXT,
  guest_count   INTEGER NOT NULL DEFAULT 0 CHECK (guest_count >= 0),
  budget_cents  INTEGER CHECK (budget_cents >= 0),
  shopping_list JSONB NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(shopping_list) = 'array'),
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX halloween_events_user_created_idx ON halloween_events (user_id, created_at DESC);
CREATE INDEX halloween_events_user_date_idx ON halloween_events (user_id, event_date);
CREATE INDEX halloween_events_family_idx ON halloween_events (family_id) WHERE family_id IS NOT NULL;

CREATE TRIGGER halloween_events_set_updated_at
  BEFORE UPDATE ON halloween_events
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE halloween_events;
