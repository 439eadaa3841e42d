-- Time zones of calendar events: a recurring event repeats in the wall-clock time of its IANA
-- time zone (a weekly 17:00 in Europe/Berlin stays 17:00 local across summer-time changes), and
-- the iCal feed writes its times with TZID. A family has a default zone for new events, which
-- admins set. Both default to 'UTC', so existing events recur exactly as before. The names are
-- checked against the runtime's IANA data by the service (a CHECK here would freeze one list).
-- migrate:up
ALTER TABLE families
  ADD COLUMN default_time_zone TEXT NOT NULL DEFAULT 'UTC' CHECK (char_length(default_time_zone) BETWEEN 1 AND 64);

ALTER TABLE family_events
  ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC' CHECK (char_length(time_zone) BETWEEN 1 AND 64);

-- migrate:down
ALTER TABLE family_events DROP COLUMN time_zone;
ALTER TABLE families DROP COLUMN default_time_zone;
