-- migrate:up
-- The OpenID Connect provider (oidc-provider): its state (authorization codes, refresh tokens,
-- grants, interactions, device codes, its own browser sessions) as one row per object, the
-- registered clients, and which CALOS session each user grant belongs to, so that ending the
-- session (sign-out, device revoked, password change, account deleted) ends the grant's tokens.
CREATE TABLE oidc_payloads (
  model       TEXT NOT NULL CHECK (char_length(model) BETWEEN 1 AND 60),
  id          TEXT NOT NULL CHECK (char_length(id) BETWEEN 1 AND 200),
  payload     JSONB NOT NULL,
  grant_id    TEXT,
  user_code   TEXT,
  uid         TEXT,
  expires_at  TIMESTAMPTZ,
  consumed_at TIMESTAMPTZ,
  PRIMARY KEY (model, id)
);

CREATE INDEX oidc_payloads_grant_idx ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oidc_payloads_user_code_idx ON oidc_payloads (model, user_code) WHERE user_code IS NOT NULL;
CREATE INDEX oidc_payloads_uid_idx ON oidc_payloads (model, uid) WHERE uid IS NOT NULL;
CREATE INDEX oidc_payloads_expires_idx ON oidc_payloads (expires_at) WHERE expires_at IS NOT NULL;

-- Apps that sign people in with CALOS. The secret of a confidential client is sealed under the
-- master key (oidc-provider compares it, so a one-way hash cannot be used).
CREATE TABLE oidc_clients (
  client_id            TEXT PRIMARY KEY CHECK (char_length(client_id) BETWEEN 1 AND 100),
  name                 TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  metadata             JSONB NOT NULL,
  secret_sealed        TEXT,
  first_party          BOOLEAN NOT NULL DEFAULT false,
  created_at           TIMESTAMPTZ NOT NULL
);

-- A user's grant to a client lives exactly as long as the CALOS session it was made in.
CREATE TABLE oidc_grant_sessions (
  grant_id    TEXT PRIMARY KEY,
  session_id  UUID NOT NULL REFERENCES user_sessions (session_id) ON DELETE CASCADE,
  user_id     UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  client_id   TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL
);

CREATE INDEX oidc_grant_sessions_session_idx ON oidc_grant_sessions (session_id);
CREATE INDEX oidc_grant_sessions_user_idx ON oidc_grant_sessions (user_id);

-- migrate:down
DROP TABLE oidc_grant_sessions;
DROP TABLE oidc_clients;
DROP TABLE oidc_payloads;
