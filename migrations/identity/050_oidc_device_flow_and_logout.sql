-- migrate:up
-- The OpenID provider's device flow, grant revocation through the feed, and back-channel logout.
-- A device code's polls, for RFC 8628's slow_down (the provider itself does not pace them).
ALTER TABLE oidc_payloads ADD COLUMN last_polled_at TIMESTAMPTZ;
ALTER TABLE oidc_payloads ADD COLUMN poll_interval_seconds INTEGER;

-- Each grant's own key: its access tokens carry it (claim gid), and revoking the grant puts it in
-- token_revocations so every service refuses them within seconds, as for an ended session.
-- provider_sid: the `sid` the app's ID token named, for its back-channel logout token.
ALTER TABLE oidc_grant_sessions ADD COLUMN grant_key UUID NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE oidc_grant_sessions ADD COLUMN provider_sid TEXT;
CREATE UNIQUE INDEX oidc_grant_sessions_key_idx ON oidc_grant_sessions (grant_key);

-- How far the back-channel logout sender has read token_revocations (one row). It starts at the
-- newest revocation: sessions ended before this migration had no apps to tell.
CREATE TABLE oidc_logout_progress (
  singleton     BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
  revocation_id BIGINT NOT NULL
);
INSERT INTO oidc_logout_progress (revocation_id)
  SELECT COALESCE(max(revocation_id), 0) FROM token_revocations;

-- migrate:down
DROP TABLE oidc_logout_progress;
DROP INDEX oidc_grant_sessions_key_idx;
ALTER TABLE oidc_grant_sessions DROP COLUMN provider_sid;
ALTER TABLE oidc_grant_sessions DROP COLUMN grant_key;
ALTER TABLE oidc_payloads DROP COLUMN poll_interval_seconds;
ALTER TABLE oidc_payloads DROP COLUMN last_polled_at;
