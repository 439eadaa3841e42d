-- Whether the apps show a person "Buy at …" affiliate links (on by default; off in the account).
-- migrate:up
ALTER TABLE users ADD COLUMN affiliate_links BOOLEAN NOT NULL DEFAULT true;

-- migrate:down
ALTER TABLE users DROP COLUMN affiliate_links;
