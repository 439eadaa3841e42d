-- A todo is due on a day (all day: due_on, a DATE that no time zone shifts) or at an instant
-- (due_date), never both; which column is set says which kind the family chose.
-- migrate:up
ALTER TABLE todo_items
  ADD COLUMN due_on DATE,
  ADD CONSTRAINT todo_items_due_on_or_at CHECK (due_on IS NULL OR due_date IS NULL),
  ADD CONSTRAINT todo_items_due_on_years CHECK (due_on BETWEEN DATE '1900-01-01' AND DATE '9999-12-31');

-- migrate:down
-- The old schema holds instants only: an all-day date becomes midnight UTC of its day.
UPDATE todo_items SET due_date = due_on::timestamp AT TIME ZONE 'UTC' WHERE due_on IS NOT NULL;
ALTER TABLE todo_items DROP COLUMN due_on;
