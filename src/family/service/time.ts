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
