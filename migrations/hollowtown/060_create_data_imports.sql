-- Rows taken in from a "Download my data" archive of another CALOS: which row each source row
-- became, so importing the same archive again finds them instead of copying them twice, and
-- references between rows (a meal plan's recipes, an event's recipes) follow the new ids.
-- migrate:up
CREATE TABLE data_imports (
  user_id     UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  collection  TEXT NOT NULL CHECK (collection ~ '^[a-z_]{1,60}$'),
  -- The row's id in the archive (in the CALOS it came from).
  source_id   TEXT NOT NULL CHECK (char_length(source_id) BETWEEN 1 AND 100),
  -- The row it became here; not a foreign key: the row may be deleted since.
  item_id     UUID NOT NULL,
  imported_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (user_id, collection, source_id)
);

-- migrate:down
DROP TABLE data_imports;
