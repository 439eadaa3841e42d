// A todo's due date as the API keeps it: "YYYY-MM-DD" when due all day, an instant when due
// at a time. Days are read in local time, so no time zone shows the 20th as the 19th.

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** What the API takes from the form: the day alone, or the local day and time as an instant. */
export function dueDateOf(day: string, time: string): string | undefined {
  if (!day) return undefined;
  if (!time) return day;
  return new Date(`${day}T${time}`).toISOString();
}

/** "20 Dec 2026" for an all-day item, "20 Dec 2026, 18:30" for one due at a time. */
export function dueText(dueDate: string, isAllDay: boolean): string {
  const day = DAY.exec(dueDate);
  if (isAllDay && day) {
    const local = new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    return local.toLocaleDateString(undefined, { dateStyle: 'medium' });
  }
  return new Date(dueDate).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export const PRIORITIES = [
  ['low', 'Low'],
  ['medium', 'Medium'],
  ['high', 'High'],
  ['urgent', 'Urgent'],
] as const;
export type Priority = (typeof PRIORITIES)[number][0];
