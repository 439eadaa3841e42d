-- Devices a user signs in from (web, mobile, voice), for multi-device federation.
-- migrate:up
CREATE TABLE user_devices (
  device_id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id            UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  device_fingerprint TEXT NOT NULL CHECK (char_length(device_fingerprint) BETWEEN 1 AND 512),
  device_type        TEXT NOT NULL CHECK (device_type IN ('web', 'mobile', 'voice')),
  trust_level        INTEGER NOT NULL DEFAULT 0 CHECK (trust_level BETWEEN 0 AND 100),
  device_name        TEXT CHECK (char_length(device_name) BETWEEN 1 AND 100),
  user_agent         TEXT,
  last_seen          TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- Revoked devices stay listed so the user can see what was cut off and when.
  revoked_at         TIMESTAMPTZ,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT user_devices_user_fingerprint_key UNIQUE (user_id, device_fingerprint)
);

CREATE INDEX user_devices_user_last_seen_idx ON user_devices (user_id, last_seen DESC);

CREATE TRIGGER user_devices_set_updated_at
  BEFORE UPDATE ON user_devices
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE user_devices;
