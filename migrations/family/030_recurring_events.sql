-- Recurring calendar events (RFC 5545): a series is a family_events row with a recurrence_rule
-- (the RRULE's value, recurring in UTC from start_time, which is its first occurrence). Removed
-- occurrences are its EXDATEs (recurrence_exdates, the original starts); a changed occurrence is
-- a row of family_event_overrides keyed by its original start (RECURRENCE-ID).
-- recurrence_last_start is the start of the last occurrence of a rule with COUNT or UNTIL (NULL
-- for one that recurs for ever), so a range query can skip series that have ended.
-- migrate:up
ALTER TABLE family_events
  ADD COLUMN recurrence_rule TEXT CHECK (char_length(recurrence_rule) BETWEEN 1 AND 300),
  ADD COLUMN recurrence_exdates TIMESTAMPTZ[] NOT NULL DEFAULT '{}' CHECK (cardinality(recurrence_exdates) <= 200),
  ADD COLUMN recurrence_last_start TIMESTAMPTZ,
  ADD CONSTRAINT family_events_recurrence_parts CHECK (
    recurrence_rule IS NOT NULL OR (cardinality(recurrence_exdates) = 0 AND recurrence_last_start IS NULL));

CREATE INDEX family_events_series_idx ON family_events (family_id, start_time) WHERE recurrence_rule IS NOT NULL;

CREATE TABLE family_event_overrides (
  event_id      UUID NOT NULL REFERENCES family_events (event_id) ON DELETE CASCADE,
  -- The occurrence's start as the rule gives it.
  recurrence_id TIMESTAMPTZ NOT NULL,
  event_name    TEXT NOT NULL CHECK (char_length(event_name) BETWEEN 1 AND 200),
  description   TEXT CHECK (char_length(description) <= 5000),
  start_time    TIMESTAMPTZ NOT NULL,
  end_time      TIMESTAMPTZ,
  location      TEXT CHECK (char_length(location) <= 300),
  updated_at    TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (event_id, recurrence_id),
  CHECK (end_time IS NULL OR end_time >= start_time),
  CHECK (end_time IS NULL OR end_time <= start_time + interval '366 days'),
  -- A changed occurrence stays within a year of where the rule puts it, which bounds range queries.
  CHECK (start_time BETWEEN recurrence_id - interval '366 days' AND recurrence_id + interval '366 days')
);

-- migrate:down
DROP TABLE family_event_overrides;
DROP INDEX family_events_series_idx;
ALTER TABLE family_events
  DROP CONSTRAINT family_events_recurrence_parts,
  DROP COLUMN recurrence_last_start,
  DROP COLUMN recurrence_exdates,
  DROP COLUMN recurrence_rule;
