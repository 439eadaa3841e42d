-- The outbox other services consume (user.deleted, …) with a cursor per consumer, and the
-- security audit log each user can read.
-- migrate:up
CREATE TABLE outbox (
  event_id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  topic      TEXT NOT NULL CHECK (topic ~ '^[a-z]+(\.[a-z_]+)+$'),
  payload    JSONB NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE outbox_cursors (
  consumer      TEXT PRIMARY KEY CHECK (char_length(consumer) BETWEEN 1 AND 100),
  last_event_id BIGINT NOT NULL DEFAULT 0,
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TRIGGER outbox_cursors_set_updated_at
  BEFORE UPDATE ON outbox_cursors
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE audit_log (
  audit_id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Kept without a foreign key to the user: the entry of an account's deletion outlives it.
  user_id    UUID NOT NULL,
  event      TEXT NOT NULL CHECK (event ~ '^[a-z]+(\.[a-z_]+)+$'),
  ip_address TEXT,
  user_agent TEXT CHECK (char_length(user_agent) <= 512),
  details    JSONB NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(details) = 'object'),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX audit_log_user_idx ON audit_log (user_id, audit_id DESC);

-- migrate:down
DROP TABLE audit_log;
DROP TABLE outbox_cursors;
DROP TABLE outbox;
