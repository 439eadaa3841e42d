// Days of the family calendar in the browser's own time zone: the grid a month or a week
// covers, moving between days and periods, and which entries fall on which day.
export type CalendarMode = 'month' | 'week';

export const addDays = (day: Date, n: number) =>
  new Date(day.getFullYear(), day.getMonth(), day.getDate() + n);

/** Weeks start on Monday. */
export const startOfWeek = (day: Date) => addDays(day, -((day.getDay() + 6) % 7));

/** The same day of another month, or that month's last day when it is shorter. */
export const addMonths = (day: Date, n: number) => {
  const last = new Date(day.getFullYear(), day.getMonth() + n + 1, 0).getDate();
  return new Date(day.getFullYear(), day.getMonth() + n, Math.min(day.getDate(), last));
};

export const dayKey = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** The day a ?date=YYYY-MM-DD names, or today for anything else. */
export function parseDay(text: string | null): Date {
  const today = new Date();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? '');
  if (!match) return new Date(today.getFullYear(), today.getMonth(), today.getDate());
  const day = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(day.getTime()) ? new Date(today.getFullYear(), today.getMonth(), today.getDate()) : day;
}

/** Whole weeks, Monday to Sunday, that show the chosen day's week or month. */
export function daysShown(mode: CalendarMode, chosen: Date): Date[] {
  if (mode === 'week') {
    const start = startOfWeek(chosen);
    return Array.from({ length: 7 }, (_, i) => addDays(start, i));
  }
  const start = startOfWeek(new Date(chosen.getFullYear(), chosen.getMonth(), 1));
  const end = startOfWeek(new Date(chosen.getFullYear(), chosen.getMonth() + 1, 0));
  const weeks = Math.round((end.getTime() - start.getTime()) / (7 * 86_400_000)) + 1;
  return Array.from({ length: weeks * 7 }, (_, i) => addDays(start, i));
}

/** The day the arrow, Home, End and Page keys move to, or undefined for other keys. */
export function dayAfterKey(key: string, mode: CalendarMode, day: Date): Date | undefined {
  switch (key) {
    case 'ArrowLeft':
      return addDays(day, -1);
    case 'ArrowRight':
      return addDays(day, 1);
    case 'ArrowUp':
      return addDays(day, -7);
    case 'ArrowDown':
      return addDays(day, 7);
    case 'Home':
      return startOfWeek(day);
    case 'End':
      return addDays(startOfWeek(day), 6);
    case 'PageUp':
      return mode === 'week' ? addDays(day, -7) : addMonths(day, -1);
    case 'PageDown':
      return mode === 'week' ? addDays(day, 7) : addMonths(day, 1);
    default:
      return undefined;
  }
}

/** Whether something from start to end (or at start, without an end) touches the day. */
export function fallsOn(day: Date, start: Date, end: Date | null): boolean {
  const dayStart = day.getTime();
  const dayEnd = addDays(day, 1).getTime();
  if (!end || end.getTime() <= start.getTime())
    return start.getTime() >= dayStart && start.getTime() < dayEnd;
  return start.getTime() < dayEnd && end.getTime() > dayStart;
}

export const sameDay = (a: Date, b: Date) => dayKey(a) === dayKey(b);
