-- Device authorization grants (RFC 8628) for devices that cannot type a password.
-- migrate:up
CREATE TABLE device_pairings (
  pairing_id         UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  device_code_hash   TEXT NOT NULL UNIQUE CHECK (char_length(device_code_hash) = 64),
  user_code          TEXT NOT NULL CHECK (user_code ~ '^[A-Z0-9]{8}$'),
  device_type        TEXT NOT NULL CHECK (device_type IN ('web', 'mobile', 'voice')),
  device_name        TEXT CHECK (char_length(device_name) BETWEEN 1 AND 100),
  device_fingerprint TEXT NOT NULL CHECK (char_length(device_fingerprint) BETWEEN 1 AND 512),
  status             TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
  user_id            UUID REFERENCES users (user_id) ON DELETE CASCADE,
  interval_seconds   INTEGER NOT NULL DEFAULT 5 CHECK (interval_seconds BETWEEN 1 AND 60),
  last_polled_at     TIMESTAMPTZ,
  expires_at         TIMESTAMPTZ NOT NULL,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (status NOT IN ('approved', 'consumed') OR user_id IS NOT NULL)
);

-- A user code names one live request; old ones may repeat.
CREATE UNIQUE INDEX device_pairings_pending_user_code ON device_pairings (user_code) WHERE status = 'pending';
CREATE INDEX device_pairings_expires_idx ON device_pairings (expires_at);

-- migrate:down
DROP TABLE device_pairings;
