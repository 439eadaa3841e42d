-- Family shopping lists, checked off live: items, a change feed that reconnecting members
-- replay (Last-Event-ID), and the idempotency record that makes retried changes apply once.
-- migrate:up
CREATE TABLE family_shopping_lists (
  list_id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  family_id            UUID NOT NULL REFERENCES families (family_id) ON DELETE CASCADE,
  list_name            TEXT NOT NULL CHECK (char_length(list_name) BETWEEN 1 AND 200),
  -- Where a generated list comes from (a Hollowtown event): regenerating updates the same list.
  source_domain        TEXT CHECK (source_domain IN ('hollowtown', 'recipes')),
  source_id            UUID,
  -- Bumped by every change; events and items carry the version that produced them.
  version              BIGINT NOT NULL DEFAULT 0 CHECK (version >= 0),
  created_by           UUID, -- calos_identity.users(user_id), not a foreign key: another database
  created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK ((source_domain IS NULL) = (source_id IS NULL))
);

CREATE UNIQUE INDEX family_shopping_lists_source_key
  ON family_shopping_lists (source_domain, source_id) WHERE source_id IS NOT NULL;
CREATE INDEX family_shopping_lists_family_idx ON family_shopping_lists (family_id, created_at DESC, list_id DESC);

CREATE TRIGGER family_shopping_lists_set_updated_at
  BEFORE UPDATE ON family_shopping_lists
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE family_shopping_items (
  item_id     UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  list_id     UUID NOT NULL REFERENCES family_shopping_lists (list_id) ON DELETE CASCADE,
  name        TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  quantity    NUMERIC CHECK (quantity >= 0 AND quantity < 1000000),
  unit        TEXT CHECK (char_length(unit) BETWEEN 1 AND 30),
  note        TEXT CHECK (char_length(note) <= 500),
  cost_cents  INTEGER CHECK (cost_cents >= 0),
  -- 'generated' items are replaced when the list is regenerated, unless checked.
  origin      TEXT NOT NULL DEFAULT 'manual' CHECK (origin IN ('generated', 'manual')),
  checked     BOOLEAN NOT NULL DEFAULT false,
  checked_by  UUID, -- calos_identity.users(user_id), not a foreign key: another database
  checked_at  TIMESTAMPTZ,
  version     BIGINT NOT NULL CHECK (version >= 0),
  position    INTEGER NOT NULL DEFAULT 0,
  created_by  UUID,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (checked OR (checked_by IS NULL AND checked_at IS NULL))
);

CREATE INDEX family_shopping_items_list_idx ON family_shopping_items (list_id, position, item_id);

CREATE TRIGGER family_shopping_items_set_updated_at
  BEFORE UPDATE ON family_shopping_items
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE family_shopping_events (
  list_id    UUID NOT NULL REFERENCES family_shopping_lists (list_id) ON DELETE CASCADE,
  seq        BIGINT NOT NULL CHECK (seq > 0),
  kind       TEXT NOT NULL CHECK (kind IN ('item.added', 'item.updated', 'item.removed', 'list.regenerated', 'list.renamed')),
  item_id    UUID,
  data       JSONB NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(data) = 'object'),
  actor      UUID,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (list_id, seq)
);

CREATE TABLE family_shopping_idempotency (
  list_id         UUID NOT NULL REFERENCES family_shopping_lists (list_id) ON DELETE CASCADE,
  idempotency_key TEXT NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
  actor           UUID NOT NULL,
  request_hash    TEXT NOT NULL,
  response        JSONB NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (list_id, idempotency_key)
);

-- migrate:down
DROP TABLE family_shopping_idempotency;
DROP TABLE family_shopping_events;
DROP TABLE family_shopping_items;
DROP TABLE family_shopping_lists;
