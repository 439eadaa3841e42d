-- Recipes imported from a web page (or pasted text): source 'imported', and the page they came
-- from, shown as the recipe's source link.
-- migrate:up
ALTER TABLE recipes DROP CONSTRAINT recipes_source_check;
ALTER TABLE recipes ADD CONSTRAINT recipes_source_check
  CHECK (source IN ('manual', 'ai', 'shared', 'imported'));
ALTER TABLE recipes ADD COLUMN source_url TEXT CHECK (char_length(source_url) BETWEEN 1 AND 2048);

-- migrate:down
ALTER TABLE recipes DROP COLUMN source_url;
UPDATE recipes SET source = 'manual' WHERE source = 'imported';
ALTER TABLE recipes DROP CONSTRAINT recipes_source_check;
ALTER TABLE recipes ADD CONSTRAINT recipes_source_check CHECK (source IN ('manual', 'ai', 'shared'));
