-- Reminders: a todo item carries reminders like an event ([{"minutes_before": n}]), relative to
-- its due date. A job driven by the service clock turns each reminder whose time has come into
-- one family_notifications row per member it concerns; the UNIQUE key makes a reminder fire once
-- per occurrence however often the job runs, in however many processes. seq orders a member's
-- notifications (and pages them). Times are written by the service from its clock.
-- migrate:up
ALTER TABLE todo_items
  ADD COLUMN reminders JSONB NOT NULL DEFAULT '[]'::jsonb
    CHECK (jsonb_typeof(reminders) = 'array' AND jsonb_array_length(reminders) <= 10);

CREATE TABLE family_notifications (
  notification_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  seq             BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  user_id         UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  family_id       UUID NOT NULL REFERENCES families (family_id) ON DELETE CASCADE,
  kind            TEXT NOT NULL CHECK (kind IN ('event_reminder', 'todo_reminder')),
  -- The event or todo item it is about (not a foreign key: the notification outlives it).
  subject_id      UUID NOT NULL,
  -- The occurrence's start, or the item's due date.
  occurrence_at   TIMESTAMPTZ NOT NULL,
  minutes_before  INTEGER NOT NULL CHECK (minutes_before >= 0),
  title           TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  fire_at         TIMESTAMPTZ NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL,
  read_at         TIMESTAMPTZ,
  UNIQUE (user_id, subject_id, occurrence_at, minutes_before)
);

CREATE INDEX family_notifications_user_seq_idx ON family_notifications (user_id, seq DESC);
CREATE INDEX family_notifications_unread_idx ON family_notifications (user_id) WHERE read_at IS NULL;
-- The reminder job looks for items due soon that have reminders.
CREATE INDEX todo_items_reminders_due_idx ON todo_items (due_date) WHERE reminders <> '[]'::jsonb AND status <> 'done';
CREATE INDEX todo_items_reminders_due_on_idx ON todo_items (due_on) WHERE reminders <> '[]'::jsonb AND status <> 'done';

-- migrate:down
DROP INDEX todo_items_reminders_due_on_idx;
DROP INDEX todo_items_reminders_due_idx;
DROP TABLE family_notifications;
ALTER TABLE todo_items DROP COLUMN reminders;
