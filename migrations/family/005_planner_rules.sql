-- Family Planner rules: anonymisable authors, event notes, limits, keyset and clean-up indexes.
-- migrate:up
-- A deleted account's rows stay for the family with their author anonymised (NULL).
ALTER TABLE families ALTER COLUMN created_by DROP NOT NULL;
ALTER TABLE todo_lists ALTER COLUMN created_by DROP NOT NULL;
ALTER TABLE todo_items ALTER COLUMN created_by DROP NOT NULL;
ALTER TABLE family_events ALTER COLUMN created_by DROP NOT NULL;

ALTER TABLE todo_items
  ADD CONSTRAINT todo_items_description_length CHECK (char_length(description) <= 5000);

ALTER TABLE family_events ADD COLUMN description TEXT;
ALTER TABLE family_events
  ADD CONSTRAINT family_events_description_length CHECK (char_length(description) <= 5000),
  ADD CONSTRAINT family_events_location_length CHECK (char_length(location) <= 300),
  ADD CONSTRAINT family_events_attendees_limit CHECK (cardinality(attendees) <= 200),
  ADD CONSTRAINT family_events_reminders_limit CHECK (jsonb_array_length(reminders) <= 10),
  -- Bounded events let a calendar range query start its index scan a bounded time earlier.
  ADD CONSTRAINT family_events_duration_limit CHECK (end_time IS NULL OR end_time <= start_time + interval '366 days');

-- Keyset pages: (parent, created_at, id) in the order the API pages.
DROP INDEX todo_lists_family_created_idx;
CREATE INDEX todo_lists_family_created_idx ON todo_lists (family_id, created_at, list_id);
DROP INDEX todo_items_list_created_idx;
CREATE INDEX todo_items_list_created_idx ON todo_items (list_id, created_at, item_id);
CREATE INDEX family_members_family_joined_idx ON family_members (family_id, joined_at, member_id);

-- user.deleted clears a user's traces without scanning whole tables.
CREATE INDEX todo_items_assigned_idx ON todo_items (assigned_to) WHERE assigned_to IS NOT NULL;
CREATE INDEX todo_items_completed_by_idx ON todo_items (completed_by) WHERE completed_by IS NOT NULL;
CREATE INDEX todo_items_created_by_idx ON todo_items (created_by) WHERE created_by IS NOT NULL;
CREATE INDEX family_events_created_by_idx ON family_events (created_by) WHERE created_by IS NOT NULL;

-- migrate:down
DROP INDEX family_events_created_by_idx;
DROP INDEX todo_items_created_by_idx;
DROP INDEX todo_items_completed_by_idx;
DROP INDEX todo_items_assigned_idx;
DROP INDEX family_members_family_joined_idx;
DROP INDEX todo_items_list_created_idx;
CREATE INDEX todo_items_list_created_idx ON todo_items (list_id, created_at DESC);
DROP INDEX todo_lists_family_created_idx;
CREATE INDEX todo_lists_family_created_idx ON todo_lists (family_id, created_at DESC);

ALTER TABLE family_events
  DROP CONSTRAINT family_events_duration_limit,
  DROP CONSTRAINT family_events_reminders_limit,
  DROP CONSTRAINT family_events_attendees_limit,
  DROP CONSTRAINT family_events_location_length,
  DROP CONSTRAINT family_events_description_length;
ALTER TABLE family_events DROP COLUMN description;
ALTER TABLE todo_items DROP CONSTRAINT todo_items_description_length;

-- Anonymised authors cannot go back under NOT NULL: they become the nil UUID, which names nobody.
UPDATE family_events SET created_by = '00000000-0000-0000-0000-000000000000' WHERE created_by IS NULL;
UPDATE todo_items SET created_by = '00000000-0000-0000-0000-000000000000' WHERE created_by IS NULL;
UPDATE todo_lists SET created_by = '00000000-0000-0000-0000-000000000000' WHERE created_by IS NULL;
UPDATE families SET created_by = '00000000-0000-0000-0000-000000000000' WHERE created_by IS NULL;
ALTER TABLE family_events ALTER COLUMN created_by SET NOT NULL;
ALTER TABLE todo_items ALTER COLUMN created_by SET NOT NULL;
ALTER TABLE todo_lists ALTER COLUMN created_by SET NOT NULL;
ALTER TABLE families ALTER COLUMN created_by SET NOT NULL;
