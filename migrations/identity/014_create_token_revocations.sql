-- migrate:up
-- Sessions and accounts that ended, for services that verify access tokens without asking
-- identity: they follow this feed and refuse the tokens it covers until those expire. Rows older
-- than an access token's lifetime cover nothing and are pruned.
CREATE TABLE token_revocations (
  revocation_id BIGSERIAL PRIMARY KEY,
  user_id       UUID NOT NULL,
  -- NULL: every token of the user (the account was deleted).
  session_id    UUID,
  reason        TEXT NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 40),
  revoked_at    TIMESTAMPTZ NOT NULL
);

CREATE INDEX token_revocations_revoked_at_idx ON token_revocations (revoked_at);

-- migrate:down
DROP TABLE token_revocations;
