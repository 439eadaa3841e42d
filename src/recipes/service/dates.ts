// Calendar days as the API writes them (YYYY-MM-DD), without time zones.

/** A real calendar day in years 0001–9999 (the platform's rule, which the `date` format uses too). */
export { isCalendarDate } from '../../platform/dates.ts';

const DAY_MS = 86_400_000;

/** The calendar day `days` after `date` (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
