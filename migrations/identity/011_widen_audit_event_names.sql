-- Audit event names may have an underscore in their first part too (api_key.added).
-- migrate:up
ALTER TABLE audit_log DROP CONSTRAINT audit_log_event_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_event_check CHECK (event ~ '^[a-z_]+(\.[a-z_]+)+$');
-- migrate:down
ALTER TABLE audit_log DROP CONSTRAINT audit_log_event_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_event_check CHECK (event ~ '^[a-z]+(\.[a-z_]+)+$') NOT VALID;
