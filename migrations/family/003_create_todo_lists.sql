-- Todo lists (personal, shared, chores) and their items.
-- migrate:up
CREATE TABLE todo_lists (
  list_id    UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  family_id  UUID NOT NULL REFERENCES families (family_id) ON DELETE CASCADE,
  list_name  TEXT NOT NULL CHECK (char_length(list_name) BETWEEN 1 AND 200),
  list_type  TEXT NOT NULL DEFAULT 'shared' CHECK (list_type IN ('personal', 'shared', 'chores')),
  created_by UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX todo_lists_family_created_idx ON todo_lists (family_id, created_at DESC);
CREATE INDEX todo_lists_created_by_created_idx ON todo_lists (created_by, created_at DESC);

CREATE TRIGGER todo_lists_set_updated_at
  BEFORE UPDATE ON todo_lists
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE todo_items (
  item_id      UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  list_id      UUID NOT NULL REFERENCES todo_lists (list_id) ON DELETE CASCADE,
  title        TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  description  TEXT,
  assigned_to  UUID, -- calos_identity.users(user_id), not a foreign key: another database
  due_date     TIMESTAMPTZ,
  priority     TEXT NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
  status       TEXT NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'in_progress', 'done')),
  completed_at TIMESTAMPTZ,
  completed_by UUID, -- calos_identity.users(user_id), not a foreign key: another database
  created_by   UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- Reopening an item must clear its completion, so "done" and completed_at never disagree.
  CONSTRAINT todo_items_done_iff_completed CHECK ((status = 'done') = (completed_at IS NOT NULL)),
  CONSTRAINT todo_items_completed_by_only_when_done CHECK (completed_by IS NULL OR status = 'done')
);

CREATE INDEX todo_items_list_created_idx ON todo_items (list_id, created_at DESC);
-- "My open tasks", soonest first.
CREATE INDEX todo_items_assignee_open_idx ON todo_items (assigned_to, due_date)
  WHERE assigned_to IS NOT NULL AND status <> 'done';

CREATE TRIGGER todo_items_set_updated_at
  BEFORE UPDATE ON todo_items
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE todo_items;
DROP TABLE todo_lists;
