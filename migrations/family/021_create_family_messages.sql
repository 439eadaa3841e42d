-- Family chat: one conversation per family. seq orders messages (and pages them); a deleted
-- message keeps its place with its text gone. family_chat_reads holds each member's read marker
-- (the last seq they have read), from which unread counts are computed.
-- Times are written by the service from its clock, never by now().
-- migrate:up
CREATE TABLE family_messages (
  message_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  seq        BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  family_id  UUID NOT NULL REFERENCES families (family_id) ON DELETE CASCADE,
  author_id  UUID, -- calos_identity.users(user_id); NULL once the account is deleted
  body       TEXT NOT NULL,
  reply_to   UUID REFERENCES family_messages (message_id) ON DELETE SET NULL,
  created_at TIMESTAMPTZ NOT NULL,
  edited_at  TIMESTAMPTZ,
  deleted_at TIMESTAMPTZ,
  deleted_by UUID,
  CHECK (char_length(body) <= 4000),
  CHECK (deleted_at IS NOT NULL OR char_length(body) >= 1)
);

CREATE INDEX family_messages_family_seq_idx ON family_messages (family_id, seq DESC);

CREATE TABLE family_chat_reads (
  family_id     UUID NOT NULL REFERENCES families (family_id) ON DELETE CASCADE,
  user_id       UUID NOT NULL,
  last_read_seq BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (family_id, user_id)
);

-- migrate:down
DROP TABLE family_chat_reads;
DROP TABLE family_messages;
