-- migrate:up
-- The operator console's AI usage report reads every account's calls since a time.
CREATE INDEX ai_usage_log_created_idx ON ai_usage_log (created_at);

-- migrate:down
DROP INDEX ai_usage_log_created_idx;
