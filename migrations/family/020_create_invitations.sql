-- Invitations with consent: nobody joins a family without saying yes. An admin invites an
-- account by username or email (invitee_login; invitee_user_id when the login had an account
-- then), or makes a link (code_hash: only the SHA-256 of the secret code is kept) that anyone
-- holding it may use up to max_uses times before expires_at. A child already in a family who
-- answers a child invitation waits for a parent or admin of theirs (status awaiting_approval).
-- Times are written by the service from its clock, never by now().
-- migrate:up
CREATE TABLE family_invitations (
  invitation_id   UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  family_id       UUID NOT NULL REFERENCES families (family_id) ON DELETE CASCADE,
  kind            TEXT NOT NULL CHECK (kind IN ('login', 'link')),
  role            TEXT NOT NULL CHECK (role IN ('admin', 'parent', 'child')),
  invitee_login   TEXT CHECK (char_length(invitee_login) BETWEEN 1 AND 320),
  invitee_user_id UUID, -- calos_identity.users(user_id), not a foreign key: another database
  code_hash       TEXT UNIQUE CHECK (char_length(code_hash) = 64),
  max_uses        INTEGER CHECK (max_uses BETWEEN 1 AND 100),
  use_count       INTEGER NOT NULL DEFAULT 0 CHECK (use_count >= 0),
  -- A use of a link that waits for a guardian's approval is a row of its own, pointing here.
  via_invitation_id UUID REFERENCES family_invitations (invitation_id) ON DELETE SET NULL,
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'awaiting_approval', 'accepted', 'declined')),
  created_by      UUID,
  created_at      TIMESTAMPTZ NOT NULL,
  expires_at      TIMESTAMPTZ NOT NULL,
  revoked_at      TIMESTAMPTZ,
  answered_at     TIMESTAMPTZ,
  approved_by     UUID,
  CHECK (kind = 'login' OR (code_hash IS NOT NULL AND max_uses IS NOT NULL)),
  CHECK (kind = 'link' OR invitee_login IS NOT NULL OR invitee_user_id IS NOT NULL),
  CHECK (use_count <= coalesce(max_uses, use_count))
);

-- One open invitation per login and family.
CREATE UNIQUE INDEX family_invitations_open_login_idx ON family_invitations (family_id, lower(invitee_login))
  WHERE kind = 'login' AND status = 'pending' AND revoked_at IS NULL AND via_invitation_id IS NULL;
CREATE INDEX family_invitations_family_idx ON family_invitations (family_id, created_at, invitation_id);
CREATE INDEX family_invitations_invitee_idx ON family_invitations (invitee_user_id, created_at)
  WHERE invitee_user_id IS NOT NULL;

-- migrate:down
DROP TABLE family_invitations;
