// The `since` of the operator console's reports (AI usage, affiliate clicks, the marketplace).
import { Type } from 'typebox';
import { PlatformErrors } from '../errors.ts';

const DAY_MS = 86_400_000;
/** How far back a console report may reach. */
export const MAX_REPORT_DAYS = 366;

/** Without `since`, a report covers this many days. */
export const DEFAULT_REPORT_DAYS = 30;

/** A report's `since`: a time at most MAX_REPORT_DAYS back and not in the future, else 400. */
export function reportSince(value: string | undefined, now: Date): Date {
  if (value === undefined) return new Date(now.getTime() - DEFAULT_REPORT_DAYS * DAY_MS);
  const since = new Date(value);
  const gap = now.getTime() - since.getTime();
  if (Number.isNaN(since.getTime()) || gap < 0 || gap > MAX_REPORT_DAYS * DAY_MS)
    throw PlatformErrors.validation(`since must be a time in the last ${MAX_REPORT_DAYS} days`, [
      { field: 'since', message: `must be in the last ${MAX_REPORT_DAYS} days` },
    ]);
  return since;
}

export const SinceQuery = Type.Optional(
  Type.String({
    format: 'date-time',
    description: `From this time (at most ${MAX_REPORT_DAYS} days back; default: the last ${DEFAULT_REPORT_DAYS} days)`,
    examples: ['2026-11-01T00:00:00Z'],
  }),
);
