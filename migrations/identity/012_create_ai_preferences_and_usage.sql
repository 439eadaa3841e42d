-- What a user wants from the AI gateway and what each of their AI calls did. Kept with the
-- account: preferences follow the user across apps, and usage is part of their bill.
-- migrate:up
CREATE TABLE ai_preferences (
  user_id          UUID PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
  model_preference TEXT CHECK (char_length(model_preference) BETWEEN 1 AND 200),
  fallback_model   TEXT NOT NULL DEFAULT 'llama3.2' CHECK (char_length(fallback_model) BETWEEN 1 AND 200),
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TRIGGER ai_preferences_set_updated_at
  BEFORE UPDATE ON ai_preferences
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE ai_usage_log (
  usage_id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id           UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  app               TEXT NOT NULL CHECK (char_length(app) BETWEEN 1 AND 40),
  endpoint          TEXT NOT NULL CHECK (char_length(endpoint) BETWEEN 1 AND 100),
  model             TEXT NOT NULL CHECK (char_length(model) BETWEEN 1 AND 200),
  provider          TEXT NOT NULL CHECK (provider IN ('ollama', 'openai', 'anthropic', 'deepseek')),
  -- The Ollama instance that answered (NULL for providers).
  instance          TEXT,
  byok              BOOLEAN NOT NULL DEFAULT false,
  prompt_tokens     INTEGER NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
  completion_tokens INTEGER NOT NULL DEFAULT 0 CHECK (completion_tokens >= 0),
  cached_tokens     INTEGER NOT NULL DEFAULT 0 CHECK (cached_tokens >= 0),
  credits           INTEGER NOT NULL DEFAULT 0 CHECK (credits >= 0),
  latency_ms        INTEGER NOT NULL CHECK (latency_ms >= 0),
  outcome           TEXT NOT NULL CHECK (outcome IN ('ok', 'error', 'aborted', 'rate_limited', 'no_credits')),
  error_code        TEXT,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX ai_usage_log_user_idx ON ai_usage_log (user_id, usage_id DESC);

-- migrate:down
DROP TABLE ai_usage_log;
DROP TABLE ai_preferences;
