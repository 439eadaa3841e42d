-- Responses the AI gateway stores for OpenAI's Responses API (store: true, the default), so a
-- conversation continues with previous_response_id. Kept per user for 30 days (expires_at, from
-- the gateway's clock; housekeeping deletes them after), removed with the account.
-- migrate:up
CREATE TABLE ai_stored_responses (
  response_id          TEXT PRIMARY KEY CHECK (char_length(response_id) BETWEEN 1 AND 100),
  user_id              UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  -- No foreign key: an ancestor deleted or expired breaks the chain, which continuing it reports.
  previous_response_id TEXT CHECK (char_length(previous_response_id) BETWEEN 1 AND 100),
  -- Responses in the chain up to this one (1 without a previous one), and their stored bytes.
  depth                INTEGER NOT NULL CHECK (depth >= 1),
  chain_bytes          BIGINT NOT NULL CHECK (chain_bytes >= 0),
  -- This response's own input items and the response object as answered (its output included).
  input_items          JSONB NOT NULL,
  response             JSONB NOT NULL,
  size_bytes           INTEGER NOT NULL CHECK (size_bytes >= 0),
  created_at           TIMESTAMPTZ NOT NULL,
  expires_at           TIMESTAMPTZ NOT NULL
);

CREATE INDEX ai_stored_responses_user_idx ON ai_stored_responses (user_id);
CREATE INDEX ai_stored_responses_expires_idx ON ai_stored_responses (expires_at);

-- migrate:down
DROP TABLE ai_stored_responses;
