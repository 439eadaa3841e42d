-- CALOS accounts: the one identity every domain service trusts.
-- migrate:up
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at = now();
  RETURN NEW;
END;
$$;

CREATE TABLE users (
  user_id             UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  username            TEXT NOT NULL CHECK (char_length(username) BETWEEN 3 AND 32),
  email               TEXT NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%'),
  password_hash       TEXT NOT NULL CHECK (char_length(password_hash) > 0),
  display_name        TEXT CHECK (char_length(display_name) BETWEEN 1 AND 100),
  email_verified_at   TIMESTAMPTZ,
  -- Tokens issued before this instant are rejected after a password change.
  password_changed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Case-insensitive so "Alice" and "alice" cannot both sign up; these replace plain UNIQUE
-- constraints and keep their names for error mapping.
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TRIGGER users_set_updated_at
  BEFORE UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE users;
DROP FUNCTION set_updated_at();
