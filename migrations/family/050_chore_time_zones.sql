-- A chore due at a time recurs in the wall-clock time of its family's time zone (the family's
-- default_time_zone when the rule was set): a weekly 17:00 chore in Europe/Berlin stays at 17:00
-- across the summer-time changes. NULL: in UTC (all-day chores, and chores made before this).
-- migrate:up
ALTER TABLE todo_items
  ADD COLUMN recurrence_time_zone TEXT CHECK (char_length(recurrence_time_zone) BETWEEN 1 AND 64),
  ADD CONSTRAINT todo_items_recurrence_zone_recurs CHECK (recurrence_time_zone IS NULL OR recurrence_rule IS NOT NULL);

-- migrate:down
ALTER TABLE todo_items
  DROP CONSTRAINT todo_items_recurrence_zone_recurs,
  DROP COLUMN recurrence_time_zone;
