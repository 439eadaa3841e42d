// The `since` of the operator console's reports (AI usage, affiliate clicks, the marketplace): a
// date (from its midnight UTC, as `calos affiliate report --since 2026-12-01`) or a time with
// its offset, at most MAX_REPORT_DAYS back and not in the future; anything else is 400.
import { Type } from 'typebox';
import { PlatformErrors } from '../errors.ts';

const DAY_MS = 86_400_000;
/** How far back a console report may reach. */
export const MAX_REPORT_DAYS = 366;

/** Without `since`, a report covers this many days. */
export const DEFAULT_REPORT_DAYS = 30;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** The time a `since` names, or undefined for something that is not a real date or time. */
export function parseReportSince(value: string): Date | undefined {
  const parts = DATE.exec(value) ?? TIME.exec(value);
  if (!parts) return undefined;
  const at = new Date(DATE.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(at.getTime())) return undefined;
  // 2026-02-30 parses as 2 March: the day must be the one written.
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const written = new Date(Date.UTC(year, month - 1, day));
  if (written.getUTCMonth() !== month - 1 || written.getUTCDate() !== day) return undefined;
  return at;
}

/** A report's `since`: a date or time at most MAX_REPORT_DAYS back and not in the future, else 400. */
export function reportSince(value: string | undefined, now: Date): Date {
  if (value === undefined) return new Date(now.getTime() - DEFAULT_REPORT_DAYS * DAY_MS);
  const since = parseReportSince(value);
  if (!since)
    throw PlatformErrors.validation('since must be a date (2026-11-01) or a time with its offset', [
      { field: 'since', message: 'must be a date like 2026-11-01 or a time like 2026-11-01T00:00:00Z' },
    ]);
  const gap = now.getTime() - since.getTime();
  if (gap < 0 || gap > MAX_REPORT_DAYS * DAY_MS)
    throw PlatformErrors.validation(`since must be a time in the last ${MAX_REPORT_DAYS} days`, [
      { field: 'since', message: `must be in the last ${MAX_REPORT_DAYS} days` },
    ]);
  return since;
}

export const SinceQuery = Type.Optional(
  Type.String({
    maxLength: 40,
    description: `From this date (its midnight UTC) or time with offset, at most ${MAX_REPORT_DAYS} days back; default: the last ${DEFAULT_REPORT_DAYS} days`,
    examples: ['2026-11-01', '2026-11-01T00:00:00Z'],
  }),
);
