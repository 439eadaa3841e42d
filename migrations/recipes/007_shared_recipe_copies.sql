-- "Share to My Recipes": a shared recipe is materialised as a real recipes row of the sharer
-- (source 'shared'), so lists, filters, pages, scaling and meal plans treat it like any other;
-- its recipe_references row links it to the original and keeps the last snapshot received, the
-- source's version of it (an older event never overwrites a newer snapshot), and whether the
-- original was deleted (the copy then stays, frozen at its last snapshot, until detached).
-- migrate:up
ALTER TABLE recipes DROP CONSTRAINT recipes_source_check;
ALTER TABLE recipes ADD CONSTRAINT recipes_source_check CHECK (source IN ('manual', 'ai', 'shared'));

ALTER TABLE recipe_references
  -- The copy in recipes; deleting the copy ends the link. NULL only for references made before
  -- copies existed, which nothing lists.
  ADD COLUMN recipe_id         UUID REFERENCES recipes (recipe_id) ON DELETE CASCADE,
  -- The original as its domain last described it (the event payload or the share request).
  ADD COLUMN snapshot          JSONB CHECK (jsonb_typeof(snapshot) = 'object'),
  -- The original's edit count behind the snapshot; 0 before any.
  ADD COLUMN snapshot_version  BIGINT NOT NULL DEFAULT 0 CHECK (snapshot_version >= 0),
  ADD COLUMN synced_at         TIMESTAMPTZ,
  -- Set when the source domain reports the original deleted; the snapshot stays.
  ADD COLUMN source_deleted_at TIMESTAMPTZ,
  ADD CONSTRAINT recipe_references_recipe_key UNIQUE (recipe_id);

-- migrate:down
ALTER TABLE recipe_references
  DROP CONSTRAINT recipe_references_recipe_key,
  DROP COLUMN source_deleted_at,
  DROP COLUMN synced_at,
  DROP COLUMN snapshot_version,
  DROP COLUMN snapshot,
  DROP COLUMN recipe_id;

-- Without the link the copies are the users' own recipes (as if detached), not lost.
UPDATE recipes SET source = 'manual' WHERE source = 'shared';
ALTER TABLE recipes DROP CONSTRAINT recipes_source_check;
ALTER TABLE recipes ADD CONSTRAINT recipes_source_check CHECK (source IN ('manual', 'ai'));
