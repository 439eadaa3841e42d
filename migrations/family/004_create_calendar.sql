-- The family calendar.
-- migrate:up
CREATE TABLE family_events (
  event_id   UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  family_id  UUID NOT NULL REFERENCES families (family_id) ON DELETE CASCADE,
  event_name TEXT NOT NULL CHECK (char_length(event_name) BETWEEN 1 AND 200),
  event_type TEXT NOT NULL CHECK (event_type IN ('appointment', 'birthday', 'school', 'vacation', 'other')),
  start_time TIMESTAMPTZ NOT NULL,
  -- NULL for a point-in-time event.
  end_time   TIMESTAMPTZ,
  location   TEXT,
  -- calos_identity.users(user_id) ids, not foreign keys: another database
  attendees  UUID[] NOT NULL DEFAULT '{}',
  reminders  JSONB NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(reminders) = 'array'),
  created_by UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT family_events_end_after_start CHECK (end_time IS NULL OR end_time >= start_time)
);

CREATE INDEX family_events_family_start_idx ON family_events (family_id, start_time);
-- "My events": attendees @> ARRAY[user_id].
CREATE INDEX family_events_attendees_idx ON family_events USING GIN (attendees);

CREATE TRIGGER family_events_set_updated_at
  BEFORE UPDATE ON family_events
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE family_events;
