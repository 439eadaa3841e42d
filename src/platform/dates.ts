// Days and times as the APIs write them, limited to what every store holds: years 0001 to 9999
// (PostgreSQL has no year 0, JavaScript has no leap second). The validator's `date` and
// `date-time` formats use these, so a route that declares one refuses the rest with a 400.

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}(:?\d{2})?)$/;

/** Whether `date` is a real calendar day written YYYY-MM-DD, in years 0001 to 9999 (not 2025-02-30). */
export function isCalendarDate(date: string): boolean {
  const match = DAY.exec(date);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  return at.getUTCMonth() === month - 1 && at.getUTCDate() === day;
}

/** Whether `value` is an RFC 3339 date-time on a calendar day of years 0001 to 9999 that JavaScript can read. */
export function isStorableDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match?.[1] || !isCalendarDate(match[1])) return false;
  const [hour, minute, second] = [Number(match[2]), Number(match[3]), Number(match[4])];
  const offset = match[6] ?? 'Z';
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (!/^[Zz]$/.test(offset) && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(-2)) > 59))
    return false;
  const time = Date.parse(value.replace(' ', 'T'));
  if (!Number.isFinite(time)) return false;
  // The instant itself must fall in those years too (0001-01-01T00:00:00+01:00 is in year 0).
  const year = new Date(time).getUTCFullYear();
  return year >= 1 && year <= 9999;
}
