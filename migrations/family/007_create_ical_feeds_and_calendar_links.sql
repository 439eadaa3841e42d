-- Private iCal feeds of a family's calendar (secret, revocable URLs), and meal plans of
-- HowToCookAtHome that members put on the family calendar.
-- migrate:up
CREATE TABLE family_ical_feeds (
  feed_id    UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  family_id  UUID NOT NULL REFERENCES families (family_id) ON DELETE CASCADE,
  -- SHA-256 of the secret in the URL; the secret itself is shown once.
  token_hash TEXT NOT NULL UNIQUE CHECK (char_length(token_hash) = 64),
  created_by UUID,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  revoked_at TIMESTAMPTZ
);

CREATE INDEX family_ical_feeds_family_idx ON family_ical_feeds (family_id);

CREATE TABLE family_calendar_links (
  link_id     UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  family_id   UUID NOT NULL REFERENCES families (family_id) ON DELETE CASCADE,
  domain      TEXT NOT NULL CHECK (domain IN ('recipes')),
  -- recipes_db.meal_plans(plan_id), not a foreign key: another database
  ref_id      UUID NOT NULL,
  -- The member who linked it: their meal plan, read through HowToCookAtHome's client.
  owner_id    UUID NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (family_id, domain, ref_id)
);

-- migrate:down
DROP TABLE family_calendar_links;
DROP TABLE family_ical_feeds;
