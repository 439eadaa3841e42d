-- migrate:up
-- A staff action another service delivers from its outbox carries that service's key (e.g.
-- 'hollowtown:outbox:42'): a second delivery finds the entry already written and writes nothing.
ALTER TABLE staff_audit_log ADD COLUMN dedupe_key TEXT CHECK (char_length(dedupe_key) BETWEEN 1 AND 200);
CREATE UNIQUE INDEX staff_audit_log_dedupe_key ON staff_audit_log (dedupe_key) WHERE dedupe_key IS NOT NULL;

-- migrate:down
DROP INDEX staff_audit_log_dedupe_key;
ALTER TABLE staff_audit_log DROP COLUMN dedupe_key;
