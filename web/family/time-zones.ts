// Time zones of calendar events: a recurring event repeats in the wall-clock time of its IANA
// zone, so the form asks for one and turns the local time typed into an instant (with luxon,
// which knows the browser's IANA data and a local time a summer-time change skips).
import { DateTime } from 'luxon';

/** The browser's own IANA time zone. */
export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Every IANA zone the browser knows, as select options, plus `extra` when missing (UTC, a saved one). */
export function timeZoneOptions(...extra: string[]): [string, string][] {
  const zones = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', ...extra]);
  return [...zones].sort().map((zone) => [zone, zone.replace(/_/g, ' ')]);
}

/**
 * The zone a new event starts with: the family's default when an admin set one, else the
 * browser's.
 */
export const initialTimeZone = (familyDefault: string | undefined) =>
  familyDefault && familyDefault !== 'UTC' ? familyDefault : browserTimeZone();

/** The instant (ISO with Z) of a datetime-local value ("2030-01-08T17:00") in `zone`. */
export function instantIn(local: string, zone: string): string {
  const time = DateTime.fromISO(local, { zone });
  if (!time.isValid) throw new Error(`${local} is not a date and time`);
  return time.toUTC().toISO() as string;
}
