-- Staff: the people who run CALOS, each with roles per domain (the app-level counterpart of
-- `calos access grant`), and the audit log of what staff and operators did. The log is
-- append-only for everyone, the app's own database role included: a trigger refuses UPDATE,
-- DELETE and TRUNCATE.
-- migrate:up
CREATE TABLE staff_roles (
  user_id    UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  role       TEXT NOT NULL CHECK (role IN ('admin', 'support', 'moderator')),
  domain     TEXT NOT NULL CHECK (domain IN ('all', 'identity', 'hollowtown', 'recipes', 'family')),
  granted_by TEXT NOT NULL CHECK (char_length(granted_by) BETWEEN 1 AND 100),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, role, domain)
);

CREATE TABLE staff_audit_log (
  staff_audit_id  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Who acted: a staff member's account, or NULL for the operator's command line.
  actor_user_id   UUID,
  -- How the actor is named in the entry (their username then, or 'operator (calos …)').
  actor_label     TEXT NOT NULL CHECK (char_length(actor_label) BETWEEN 1 AND 100),
  action          TEXT NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
  -- The account the action concerns (none for a plan change); no foreign key: the entry
  -- outlives the account.
  subject_user_id UUID,
  domain          TEXT NOT NULL CHECK (domain IN ('all', 'identity', 'hollowtown', 'recipes', 'family')),
  reason          TEXT CHECK (char_length(reason) <= 500),
  details         JSONB NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(details) = 'object'),
  created_at      TIMESTAMPTZ NOT NULL
);

CREATE INDEX staff_audit_log_subject_idx ON staff_audit_log (subject_user_id, staff_audit_id DESC)
  WHERE subject_user_id IS NOT NULL;
CREATE INDEX staff_audit_log_actor_idx ON staff_audit_log (actor_user_id, staff_audit_id DESC);

CREATE FUNCTION staff_audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'staff_audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER staff_audit_log_append_only
  BEFORE UPDATE OR DELETE ON staff_audit_log
  FOR EACH ROW EXECUTE FUNCTION staff_audit_log_refuse_change();

CREATE TRIGGER staff_audit_log_no_truncate
  BEFORE TRUNCATE ON staff_audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION staff_audit_log_refuse_change();

-- migrate:down
DROP TABLE staff_audit_log;
DROP FUNCTION staff_audit_log_refuse_change();
DROP TABLE staff_roles;
