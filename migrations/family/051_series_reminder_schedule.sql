-- The reminder job's schedule of recurring events: when a series' next reminder fires (next_at),
-- as computed at computed_at (both from the service clock). The job expands only the series whose
-- next reminder has come, or that have no schedule (new, changed, or computed at a later clock
-- time than now), instead of every series on every run. A change of anything the times depend on
-- (the rule, its start, zone, removed or changed occurrences, the reminders) deletes the series'
-- schedule, so the next run computes it again. A table of its own, so that the job's writes never
-- touch the events (their updated_at is what calendar apps see).
-- Old notifications are pruned by the same job (see src/family/service/notifications.ts).
-- migrate:up
CREATE TABLE family_event_reminder_schedule (
  event_id    UUID PRIMARY KEY REFERENCES family_events (event_id) ON DELETE CASCADE,
  next_at     TIMESTAMPTZ NOT NULL,
  computed_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX family_event_reminder_schedule_next_idx ON family_event_reminder_schedule (next_at);

CREATE FUNCTION family_events_reminder_schedule_reset() RETURNS trigger AS $$
BEGIN
  IF NEW.start_time IS DISTINCT FROM OLD.start_time
     OR NEW.reminders IS DISTINCT FROM OLD.reminders
     OR NEW.recurrence_rule IS DISTINCT FROM OLD.recurrence_rule
     OR NEW.recurrence_exdates IS DISTINCT FROM OLD.recurrence_exdates
     OR NEW.time_zone IS DISTINCT FROM OLD.time_zone THEN
    DELETE FROM family_event_reminder_schedule WHERE event_id = NEW.event_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER family_events_reminder_schedule_reset
  AFTER UPDATE ON family_events
  FOR EACH ROW EXECUTE FUNCTION family_events_reminder_schedule_reset();

CREATE FUNCTION family_event_overrides_reminder_schedule_reset() RETURNS trigger AS $$
BEGIN
  DELETE FROM family_event_reminder_schedule
  WHERE event_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.event_id ELSE NEW.event_id END;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER family_event_overrides_reminder_schedule_reset
  AFTER INSERT OR UPDATE OR DELETE ON family_event_overrides
  FOR EACH ROW EXECUTE FUNCTION family_event_overrides_reminder_schedule_reset();

CREATE INDEX family_notifications_created_idx ON family_notifications (created_at);

-- migrate:down
DROP INDEX family_notifications_created_idx;
DROP TRIGGER family_event_overrides_reminder_schedule_reset ON family_event_overrides;
DROP FUNCTION family_event_overrides_reminder_schedule_reset();
DROP TRIGGER family_events_reminder_schedule_reset ON family_events;
DROP FUNCTION family_events_reminder_schedule_reset();
DROP TABLE family_event_reminder_schedule;
