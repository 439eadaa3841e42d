-- A second factor: a TOTP authenticator app (RFC 6238; its secret sealed under the master key,
-- since codes are computed from it), ten single-use recovery codes (SHA-256 hashes only), the
-- short-lived challenge between a correct password and the code, and browsers a person asked
-- to remember after a code. Sessions record how they were authenticated (RFC 8176 amr values).
-- migrate:up
CREATE TABLE user_totp (
  user_id          UUID PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
  secret_encrypted TEXT NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL,
  -- NULL until a first code proves the app holds the secret; only then does sign-in ask for it.
  confirmed_at     TIMESTAMPTZ,
  -- The time step of the last code accepted: each code works once (RFC 6238 §5.2).
  last_used_step   BIGINT
);

CREATE TABLE recovery_codes (
  user_id    UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  code_hash  TEXT NOT NULL CHECK (char_length(code_hash) = 64),
  created_at TIMESTAMPTZ NOT NULL,
  used_at    TIMESTAMPTZ,
  PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE mfa_challenges (
  challenge_hash  TEXT PRIMARY KEY CHECK (char_length(challenge_hash) = 64),
  user_id         UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  -- The device the sign-in named, to record once the code is right.
  device          JSONB NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(device) = 'object'),
  created_at      TIMESTAMPTZ NOT NULL,
  expires_at      TIMESTAMPTZ NOT NULL,
  used_at         TIMESTAMPTZ,
  failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0)
);

CREATE INDEX mfa_challenges_expires_idx ON mfa_challenges (expires_at);

CREATE TABLE mfa_trusted_devices (
  token_hash TEXT PRIMARY KEY CHECK (char_length(token_hash) = 64),
  user_id    UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  -- Revoking the device forgets that it was trusted.
  device_id  UUID REFERENCES user_devices (device_id) ON DELETE CASCADE,
  created_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX mfa_trusted_devices_user_idx ON mfa_trusted_devices (user_id);

ALTER TABLE user_sessions
  ADD COLUMN amr TEXT[] NOT NULL DEFAULT '{}' CHECK (cardinality(amr) <= 8);

-- migrate:down
ALTER TABLE user_sessions DROP COLUMN amr;
DROP TABLE mfa_trusted_devices;
DROP TABLE mfa_challenges;
DROP TABLE recovery_codes;
DROP TABLE user_totp;
