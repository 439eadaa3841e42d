-- One-time codes that carry a sign-in from the account console to an app's own domain
-- (authorization code with PKCE S256). Only a SHA-256 hash of a code is stored; a code works
-- once, for 60 seconds, for the redirect URI and challenge it was issued with. The row stays
-- to name the app session it became, so "sign out everywhere" can end it.
-- migrate:up
CREATE TABLE web_auth_codes (
  code_hash          TEXT PRIMARY KEY CHECK (char_length(code_hash) = 64),
  user_id            UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  client             TEXT NOT NULL CHECK (client ~ '^[a-z][a-z0-9-]{0,39}$'),
  redirect_uri       TEXT NOT NULL CHECK (char_length(redirect_uri) BETWEEN 1 AND 2048),
  code_challenge     TEXT NOT NULL CHECK (code_challenge ~ '^[A-Za-z0-9_-]{43}$'),
  -- The account-console session that issued the code.
  issued_by_session  UUID REFERENCES user_sessions (session_id) ON DELETE SET NULL,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at         TIMESTAMPTZ NOT NULL,
  used_at            TIMESTAMPTZ,
  -- The app session the code was exchanged for.
  session_id         UUID REFERENCES user_sessions (session_id) ON DELETE CASCADE,
  CHECK (session_id IS NULL OR used_at IS NOT NULL)
);

CREATE INDEX web_auth_codes_user_idx ON web_auth_codes (user_id) WHERE session_id IS NOT NULL;
CREATE INDEX web_auth_codes_expires_idx ON web_auth_codes (expires_at) WHERE used_at IS NULL;

-- migrate:down
DROP TABLE web_auth_codes;
