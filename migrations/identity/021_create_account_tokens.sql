-- Single-use links mailed to a person: a password reset (valid 30 minutes) and the
-- verification of an address (at sign-up, or the new one of an email change). Only a SHA-256
-- hash of a token is stored. A reset ends every session, hence the new revocation reason.
-- migrate:up
CREATE TABLE account_tokens (
  token_hash TEXT PRIMARY KEY CHECK (char_length(token_hash) = 64),
  user_id    UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  purpose    TEXT NOT NULL CHECK (purpose IN ('password_reset', 'email_verify')),
  -- For email_verify: the address the link proves (the account's, or the one it changes to).
  email      TEXT CHECK (char_length(email) BETWEEN 3 AND 254),
  created_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  used_at    TIMESTAMPTZ,
  CHECK ((purpose = 'email_verify') = (email IS NOT NULL))
);

CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose) WHERE used_at IS NULL;
CREATE INDEX account_tokens_expires_idx ON account_tokens (expires_at);

ALTER TABLE user_sessions DROP CONSTRAINT user_sessions_revoked_reason_check;
ALTER TABLE user_sessions ADD CONSTRAINT user_sessions_revoked_reason_check CHECK (
  revoked_reason IN ('logout', 'device_revoked', 'refresh_reuse', 'password_changed', 'account_deleted',
                     'password_reset'));

-- migrate:down
ALTER TABLE user_sessions DROP CONSTRAINT user_sessions_revoked_reason_check;
ALTER TABLE user_sessions ADD CONSTRAINT user_sessions_revoked_reason_check CHECK (
  revoked_reason IN ('logout', 'device_revoked', 'refresh_reuse', 'password_changed', 'account_deleted'))
  NOT VALID;
DROP TABLE account_tokens;
