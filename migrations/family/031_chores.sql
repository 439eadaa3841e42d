-- Chores: a todo item with a recurrence_rule (RFC 5545 RRULE value, recurring in UTC from
-- recurrence_start) comes back when done: the completion is kept in todo_completions, the item is
-- due at its next occurrence and, with a rotation, assigned to the next member in it
-- (rotation[rotation_index % cardinality]). points, when set, is what each completion earns the
-- member who did it; the tally per member is summed from todo_completions.
-- Times are written by the service from its clock, never by now().
-- migrate:up
ALTER TABLE todo_items
  ADD COLUMN recurrence_rule TEXT CHECK (char_length(recurrence_rule) BETWEEN 1 AND 300),
  ADD COLUMN recurrence_start TIMESTAMPTZ,
  -- calos_identity.users(user_id) ids, not foreign keys: another database
  ADD COLUMN rotation UUID[] NOT NULL DEFAULT '{}' CHECK (cardinality(rotation) <= 50),
  ADD COLUMN rotation_index INTEGER NOT NULL DEFAULT 0 CHECK (rotation_index >= 0),
  ADD COLUMN points INTEGER CHECK (points BETWEEN 0 AND 1000),
  ADD CONSTRAINT todo_items_recurrence_parts CHECK ((recurrence_rule IS NULL) = (recurrence_start IS NULL)),
  ADD CONSTRAINT todo_items_rotation_recurs CHECK (cardinality(rotation) = 0 OR recurrence_rule IS NOT NULL);

CREATE TABLE todo_completions (
  completion_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  item_id       UUID NOT NULL REFERENCES todo_items (item_id) ON DELETE CASCADE,
  family_id     UUID NOT NULL REFERENCES families (family_id) ON DELETE CASCADE,
  -- The occurrence that was done (the item's due date then), and whose turn it was.
  due_at        TIMESTAMPTZ,
  assigned_to   UUID,
  completed_by  UUID, -- NULL once the account is deleted
  completed_at  TIMESTAMPTZ NOT NULL,
  points        INTEGER NOT NULL DEFAULT 0 CHECK (points BETWEEN 0 AND 1000)
);

CREATE INDEX todo_completions_item_idx ON todo_completions (item_id, completed_at DESC, completion_id);
CREATE INDEX todo_completions_family_idx ON todo_completions (family_id, completed_at);
CREATE INDEX todo_completions_completed_by_idx ON todo_completions (completed_by) WHERE completed_by IS NOT NULL;
CREATE INDEX todo_completions_assigned_idx ON todo_completions (assigned_to) WHERE assigned_to IS NOT NULL;

-- migrate:down
DROP TABLE todo_completions;
ALTER TABLE todo_items
  DROP CONSTRAINT todo_items_rotation_recurs,
  DROP CONSTRAINT todo_items_recurrence_parts,
  DROP COLUMN points,
  DROP COLUMN rotation_index,
  DROP COLUMN rotation,
  DROP COLUMN recurrence_start,
  DROP COLUMN recurrence_rule;
