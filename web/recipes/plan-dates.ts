// Calendar days as the meal-plan API writes them (YYYY-MM-DD), read without time zones.

/** Today's (or `date`'s) calendar day where the person is. */
export function localDay(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Monday of this week, or of the week after when `next`. */
export function mondayOf(next = false, today = new Date()): string {
  const monday = new Date(today);
  monday.setDate(monday.getDate() - ((monday.getDay() + 6) % 7) + (next ? 7 : 0));
  return localDay(monday);
}

const atNoonUtc = (day: string) => new Date(`${day.slice(0, 10)}T12:00:00Z`);

export function addDays(day: string, days: number): string {
  const date = atNoonUtc(day);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export const weekday = (day: string) =>
  atNoonUtc(day).toLocaleDateString(undefined, { weekday: 'long', timeZone: 'UTC' });

export const shortDate = (day: string, withYear = false) =>
  atNoonUtc(day).toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    ...(withYear ? { year: 'numeric' } : {}),
    timeZone: 'UTC',
  });

export const dayRange = (first: string, last: string) => `${shortDate(first)} – ${shortDate(last, true)}`;
