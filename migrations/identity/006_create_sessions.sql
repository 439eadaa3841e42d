-- Sessions, rotating refresh tokens (stored only as hashes) and the Ed25519 signing keys.
-- migrate:up
CREATE TABLE user_sessions (
  session_id     UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id        UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  device_id      UUID REFERENCES user_devices (device_id) ON DELETE CASCADE,
  ip_address     TEXT,
  user_agent     TEXT CHECK (char_length(user_agent) <= 512),
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_used_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at     TIMESTAMPTZ NOT NULL,
  revoked_at     TIMESTAMPTZ,
  revoked_reason TEXT CHECK (revoked_reason IN ('logout', 'device_revoked', 'refresh_reuse', 'password_changed', 'account_deleted'))
);

CREATE INDEX user_sessions_user_idx ON user_sessions (user_id, created_at DESC);
CREATE INDEX user_sessions_device_idx ON user_sessions (device_id) WHERE device_id IS NOT NULL;

CREATE TABLE refresh_tokens (
  token_hash  TEXT PRIMARY KEY CHECK (char_length(token_hash) = 64),
  session_id  UUID NOT NULL REFERENCES user_sessions (session_id) ON DELETE CASCADE,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at  TIMESTAMPTZ NOT NULL,
  -- Set when the token is exchanged; presenting it again is reuse and revokes the session.
  used_at     TIMESTAMPTZ
);

CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

CREATE TABLE signing_keys (
  kid                   TEXT PRIMARY KEY,
  algorithm             TEXT NOT NULL DEFAULT 'EdDSA' CHECK (algorithm = 'EdDSA'),
  public_jwk            JSONB NOT NULL CHECK (jsonb_typeof(public_jwk) = 'object'),
  -- AES-256-GCM envelope under the master key.
  private_jwk_encrypted TEXT NOT NULL,
  created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- Once retired a key signs nothing new, but stays published until its last token expires.
  retired_at            TIMESTAMPTZ
);

-- At most one key signs at a time.
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((true)) WHERE retired_at IS NULL;

-- migrate:down
DROP TABLE signing_keys;
DROP TABLE refresh_tokens;
DROP TABLE user_sessions;
