-- migrate:up
-- Who may see a family's things changes with its members: any change to family_members (a
-- member added, removed, leaving, a new role; a family deleted takes its members with it)
-- notifies `calos_family_access` at commit, keyed by the family, so that every process ends the
-- live streams of callers who lost access at once. A trigger, so no code path can forget it.
CREATE FUNCTION notify_family_access() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify(
    'calos_family_access',
    json_build_object('key', COALESCE(NEW.family_id, OLD.family_id)::text, 'payload', json_build_object())::text
  );
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER family_members_access_changed
  AFTER INSERT OR UPDATE OR DELETE ON family_members
  FOR EACH ROW EXECUTE FUNCTION notify_family_access();

-- migrate:down
DROP TRIGGER family_members_access_changed ON family_members;
DROP FUNCTION notify_family_access();
