-- Karma (what other accounts' upvotes on a user's published items add up to, across apps) and
-- rewards in credits when an item reaches a milestone of counted upvotes.
-- migrate:up
-- Each voter's current vote on an item, as the app last reported it. version orders the reports
-- (the app counts every change of the vote), so a late or repeated report never undoes a newer one.
CREATE TABLE karma_votes (
  app          TEXT NOT NULL CHECK (app IN ('hollowtown', 'recipes')),
  item_kind    TEXT NOT NULL CHECK (item_kind IN ('recipe', 'costume', 'plan')),
  item_id      UUID NOT NULL,
  voter_id     UUID NOT NULL,
  author_id    UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  is_active    BOOLEAN NOT NULL,
  -- Counts towards the author's rewards: active, not the author's own, from an account a day old.
  is_counted   BOOLEAN NOT NULL,
  version      BIGINT NOT NULL CHECK (version >= 1),
  updated_at   TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (app, item_kind, item_id, voter_id)
);

-- One row per item with counted votes: locked by each vote on the item, so that milestones are
-- reached (and paid) one at a time.
CREATE TABLE reward_items (
  app             TEXT NOT NULL,
  item_kind       TEXT NOT NULL,
  item_id         UUID NOT NULL,
  author_id       UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  counted_votes   INTEGER NOT NULL DEFAULT 0 CHECK (counted_votes >= 0),
  milestones_paid INTEGER NOT NULL DEFAULT 0 CHECK (milestones_paid >= 0),
  PRIMARY KEY (app, item_kind, item_id)
);

-- Append-only: every change of a user's karma, one per key (a vote's version).
CREATE TABLE karma_ledger (
  entry_id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id         UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  delta           INTEGER NOT NULL CHECK (delta IN (-1, 1)),
  app             TEXT NOT NULL,
  item_kind       TEXT NOT NULL,
  item_id         UUID NOT NULL,
  item_title      TEXT NOT NULL CHECK (char_length(item_title) BETWEEN 1 AND 200),
  reason          TEXT NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 200),
  idempotency_key TEXT NOT NULL UNIQUE CHECK (char_length(idempotency_key) BETWEEN 1 AND 300),
  created_at      TIMESTAMPTZ NOT NULL
);

CREATE INDEX karma_ledger_user_idx ON karma_ledger (user_id, entry_id DESC);

-- Rewards are credited through the ledger with their own kind.
ALTER TABLE credit_ledger DROP CONSTRAINT credit_ledger_kind_check;
ALTER TABLE credit_ledger ADD CONSTRAINT credit_ledger_kind_check
  CHECK (kind IN ('signup_grant', 'purchase', 'reserve', 'release', 'refund', 'settle_extra', 'admin_grant', 'reward'));

-- migrate:down
DELETE FROM credit_ledger WHERE kind = 'reward';
ALTER TABLE credit_ledger DROP CONSTRAINT credit_ledger_kind_check;
ALTER TABLE credit_ledger ADD CONSTRAINT credit_ledger_kind_check
  CHECK (kind IN ('signup_grant', 'purchase', 'reserve', 'release', 'refund', 'settle_extra', 'admin_grant'));
DROP TABLE karma_ledger;
DROP TABLE reward_items;
DROP TABLE karma_votes;
