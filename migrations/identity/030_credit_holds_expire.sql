-- migrate:up
-- A hold carries its own end, written from the service's clock when it is taken: housekeeping
-- returns holds whose caller never settled them (a gateway process that died mid-call) once
-- that moment has passed, with no reliance on the database's own time. Settling never charges
-- beyond the hold any more; `shortfall` keeps recording what a settle asked beyond it.
ALTER TABLE credit_reservations ADD COLUMN expires_at TIMESTAMPTZ;
UPDATE credit_reservations SET expires_at = created_at + INTERVAL '1 hour';
ALTER TABLE credit_reservations ALTER COLUMN expires_at SET NOT NULL;

DROP INDEX credit_reservations_held_idx;
CREATE INDEX credit_reservations_held_idx ON credit_reservations (expires_at) WHERE status = 'held';

-- migrate:down
DROP INDEX credit_reservations_held_idx;
ALTER TABLE credit_reservations DROP COLUMN expires_at;
CREATE INDEX credit_reservations_held_idx ON credit_reservations (created_at) WHERE status = 'held';
