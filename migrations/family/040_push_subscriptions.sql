-- Web Push: a member's browsers that asked to be notified (the PushSubscription a browser hands
-- out: the push service's endpoint and the keys the payload is encrypted to). One row per user
-- and endpoint; a push service answering 404 or 410 for an endpoint deletes its row. Times are
-- written by the service from its clock.
-- migrate:up
CREATE TABLE family_push_subscriptions (
  subscription_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id         UUID NOT NULL, -- calos_identity.users(user_id), not a foreign key: another database
  endpoint        TEXT NOT NULL CHECK (char_length(endpoint) BETWEEN 1 AND 1024),
  p256dh          TEXT NOT NULL CHECK (char_length(p256dh) BETWEEN 1 AND 200),
  auth            TEXT NOT NULL CHECK (char_length(auth) BETWEEN 1 AND 100),
  created_at      TIMESTAMPTZ NOT NULL,
  UNIQUE (user_id, endpoint)
);

-- migrate:down
DROP TABLE family_push_subscriptions;
