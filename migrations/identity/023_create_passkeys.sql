-- Passkeys (WebAuthn credentials) registered on identity's origin, several per account, each
-- with a name its owner gives it; and the challenges of ceremonies under way (single use,
-- minutes long).
-- migrate:up
CREATE TABLE passkeys (
  passkey_id    UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  credential_id TEXT NOT NULL UNIQUE
                CHECK (credential_id ~ '^[A-Za-z0-9_-]+$' AND char_length(credential_id) BETWEEN 16 AND 1366),
  -- The COSE public key, base64url.
  public_key    TEXT NOT NULL,
  counter       BIGINT NOT NULL DEFAULT 0 CHECK (counter >= 0),
  transports    TEXT[] NOT NULL DEFAULT '{}',
  device_type   TEXT NOT NULL CHECK (device_type IN ('singleDevice', 'multiDevice')),
  backed_up     BOOLEAN NOT NULL DEFAULT false,
  aaguid        TEXT,
  name          TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  rp_id         TEXT NOT NULL CHECK (char_length(rp_id) BETWEEN 1 AND 253),
  created_at    TIMESTAMPTZ NOT NULL,
  last_used_at  TIMESTAMPTZ
);

CREATE INDEX passkeys_user_idx ON passkeys (user_id, created_at);

CREATE TABLE webauthn_challenges (
  challenge  TEXT PRIMARY KEY CHECK (challenge ~ '^[A-Za-z0-9_-]{16,128}$'),
  -- NULL for a sign-in: whoever the passkey turns out to belong to.
  user_id    UUID REFERENCES users (user_id) ON DELETE CASCADE,
  purpose    TEXT NOT NULL CHECK (purpose IN ('register', 'authenticate')),
  rp_id      TEXT NOT NULL,
  origin     TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  used_at    TIMESTAMPTZ
);

CREATE INDEX webauthn_challenges_expires_idx ON webauthn_challenges (expires_at);

-- migrate:down
DROP TABLE webauthn_challenges;
DROP TABLE passkeys;
