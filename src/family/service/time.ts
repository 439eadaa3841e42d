// Instants from requests: the schema checks the ISO 8601 shape; this keeps them in the years
// a family planner means (and PostgreSQL accepts), so a strange year is a 400, not a 500.
import { PlatformErrors } from '../../platform/errors.ts';

export const EARLIEST_YEAR = 1900;
export const LATEST_YEAR = 9999;

/** The instant as given, once it is known to lie between EARLIEST_YEAR and LATEST_YEAR. */
export function checkInstant(field: string, value: string): string {
  const time = Date.parse(value);
  const year = Number.isNaN(time) ? Number.NaN : new Date(time).getUTCFullYear();
  if (!(year >= EARLIEST_YEAR && year <= LATEST_YEAR)) {
    throw PlatformErrors.validation(
      `${field} must be a date-time between ${EARLIEST_YEAR} and ${LATEST_YEAR}`,
      [{ field, message: `must be between ${EARLIEST_YEAR} and ${LATEST_YEAR}` }],
    );
  }
  return value;
}

const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Where a due date goes: a day (all day) or an instant; null clears both, undefined leaves both. */
export interface Due {
  due_date: string | null;
  due_on: string | null;
}

/**
 * A due date as a family means it: "2026-12-20" is due that day, all day (no time zone moves
 * it to the 19th), and a date-time with its offset is due at that instant.
 */
export function checkDue(field: string, value: string | null | undefined): Due | undefined {
  if (value === undefined) return undefined;
  if (value === null) return { due_date: null, due_on: null };
  const day = CALENDAR_DAY.exec(value);
  if (!day) return { due_date: checkInstant(field, value), due_on: null };
  const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
  const parsed = new Date(Date.UTC(year, month - 1, date));
  const isRealDay = parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === date;
  if (!isRealDay || year < EARLIEST_YEAR || year > LATEST_YEAR) {
    throw PlatformErrors.validation(
      `${field} must be a calendar date (YYYY-MM-DD) or a date-time between ${EARLIEST_YEAR} and ${LATEST_YEAR}`,
      [{ field, message: `must be a real day between ${EARLIEST_YEAR} and ${LATEST_YEAR}` }],
    );
  }
  return { due_date: null, due_on: value };
}
