-- Accounts staff disabled: they cannot sign in, and their sessions end (the revocations feed
-- carries each one, so every service refuses their tokens) until staff enable them again.
-- Staff may also end every session of an account ('staff_sign_out').
-- migrate:up
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMPTZ;

ALTER TABLE user_sessions DROP CONSTRAINT user_sessions_revoked_reason_check;
ALTER TABLE user_sessions ADD CONSTRAINT user_sessions_revoked_reason_check CHECK (
  revoked_reason IN ('logout', 'device_revoked', 'refresh_reuse', 'password_changed', 'account_deleted',
                     'password_reset', 'staff_sign_out', 'account_disabled'));

-- migrate:down
ALTER TABLE user_sessions DROP CONSTRAINT user_sessions_revoked_reason_check;
ALTER TABLE user_sessions ADD CONSTRAINT user_sessions_revoked_reason_check CHECK (
  revoked_reason IN ('logout', 'device_revoked', 'refresh_reuse', 'password_changed', 'account_deleted',
                     'password_reset'))
  NOT VALID;
ALTER TABLE users DROP COLUMN disabled_at;
