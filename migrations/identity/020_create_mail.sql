-- Outbound email. Every mail starts as an identity outbox event; the mailer turns each such
-- event into exactly one delivery (unique on the event, so an event read twice never mails
-- twice) and sends it, retrying with backoff, until it is sent, fails for good or expires.
-- People choose which optional kinds they get (security notices always go), and each account
-- has a language its mails are written in.
-- migrate:up
ALTER TABLE users
  ADD COLUMN locale TEXT NOT NULL DEFAULT 'en' CHECK (locale ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$');

CREATE TABLE mail_deliveries (
  delivery_id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The outbox event the mail comes from: one delivery per event.
  event_id        BIGINT NOT NULL UNIQUE,
  user_id         UUID REFERENCES users (user_id) ON DELETE CASCADE,
  app             TEXT NOT NULL CHECK (app ~ '^[a-z][a-z0-9-]{0,39}$'),
  kind            TEXT NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{0,39}$'),
  to_address      TEXT NOT NULL CHECK (char_length(to_address) BETWEEN 3 AND 254),
  locale          TEXT NOT NULL CHECK (char_length(locale) BETWEEN 2 AND 35),
  -- What the template fills in; a link's token is sealed under the master key and dropped once
  -- the mail is sent.
  data            JSONB NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(data) = 'object'),
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'expired')),
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at TIMESTAMPTZ NOT NULL,
  -- A sender holds a delivery until then; past it another process may take it over.
  locked_until    TIMESTAMPTZ,
  last_error      TEXT CHECK (char_length(last_error) <= 500),
  message_id      TEXT NOT NULL CHECK (char_length(message_id) BETWEEN 3 AND 255),
  -- A link mailed too late is no use: such a mail is dropped instead of sent.
  expires_at      TIMESTAMPTZ,
  created_at      TIMESTAMPTZ NOT NULL,
  sent_at         TIMESTAMPTZ
);

CREATE INDEX mail_deliveries_due_idx ON mail_deliveries (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX mail_deliveries_user_idx ON mail_deliveries (user_id, created_at DESC);

-- A row means: this person does not want mails of this optional category.
CREATE TABLE mail_opt_outs (
  user_id    UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  category   TEXT NOT NULL CHECK (category ~ '^[a-z][a-z_]{0,39}$'),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, category)
);

-- migrate:down
DROP TABLE mail_opt_outs;
DROP TABLE mail_deliveries;
ALTER TABLE users DROP COLUMN locale;
