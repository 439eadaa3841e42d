-- Bring-your-own-key: users' provider API keys, stored encrypted.
-- migrate:up
CREATE TABLE user_api_keys (
  key_id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id           UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  provider          TEXT NOT NULL CHECK (provider IN ('openai', 'anthropic', 'deepseek')),
  -- Base64 AES-256-GCM envelope under CALOS_MASTER_KEY; the plaintext key is never stored.
  api_key_encrypted TEXT NOT NULL CHECK (char_length(api_key_encrypted) > 0),
  -- Enough to show a masked key ("sk-...abcd") without decrypting.
  key_last_four     TEXT NOT NULL CHECK (char_length(key_last_four) <= 4),
  label             TEXT CHECK (char_length(label) BETWEEN 1 AND 100),
  is_active         BOOLEAN NOT NULL DEFAULT true,
  last_used_at      TIMESTAMPTZ,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX user_api_keys_user_created_idx ON user_api_keys (user_id, created_at DESC);

CREATE TRIGGER user_api_keys_set_updated_at
  BEFORE UPDATE ON user_api_keys
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE user_api_keys;
