-- migrate:up
-- Notices an app asked identity to mail, by the app's own key for the notice (a moderation
-- decision's id): the app hands them over at least once, and a second delivery mails nothing.
-- Pruned after a month (an app retries for minutes, not weeks).
CREATE TABLE notice_keys (
  notice_key TEXT PRIMARY KEY CHECK (char_length(notice_key) BETWEEN 1 AND 200),
  created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX notice_keys_created_idx ON notice_keys (created_at);

-- migrate:down
DROP TABLE notice_keys;
