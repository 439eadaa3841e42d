-- migrate:up
-- Back-channel logouts owed to apps for a deleted account. The account's grants go with it
-- (ON DELETE CASCADE), so the deletion first copies what each app must be told; the logout sender
-- reads these when the account's revocation reaches it, tells the apps, and removes them.
-- No reference to users: the user is gone by the time they are read.
CREATE TABLE oidc_logouts_owed (
  user_id      UUID NOT NULL,
  client_id    TEXT NOT NULL,
  provider_sid TEXT NOT NULL,
  grant_id     TEXT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (user_id, grant_id)
);

-- migrate:down
DROP TABLE oidc_logouts_owed;
