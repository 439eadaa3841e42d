-- migrate:up
-- What a feed last served, so calendar apps that poll it get 304 Not Modified until something
-- changes: the document's hash (the ETag) and when it last changed (Last-Modified).
ALTER TABLE family_ical_feeds
  ADD COLUMN content_hash TEXT CHECK (char_length(content_hash) = 64),
  ADD COLUMN content_changed_at TIMESTAMPTZ;

-- migrate:down
ALTER TABLE family_ical_feeds DROP COLUMN content_changed_at, DROP COLUMN content_hash;
