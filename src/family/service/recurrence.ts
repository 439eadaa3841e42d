// Recurrence rules of calendar events and chores (RFC 5545 RRULE), expanded with the `rrule`
// library in the wall-clock time of the event's IANA time zone: the rule runs over "floating"
// local times (a Date whose UTC fields hold the local time) and each occurrence is then turned
// into an instant with luxon, so a weekly 17:00 in Europe/Berlin stays 17:00 local across the
// summer-time changes (RFC 5545 DTSTART;TZID semantics, as the iCal feed writes it). rrule's own
// `tzid` option is not used: it returns dates shifted by the host's offset, which depends on the
// process's TZ. A local time skipped by a DST change moves forward by the gap (RFC 5545 3.3.5);
// chores and UTC events recur in UTC as before. Only rules a family planner means are accepted: daily to yearly,
// bounded counts and intervals, and a start that is itself an occurrence (RFC 5545 leaves a
// DTSTART outside its rule undefined, and calendar apps disagree about it).
import { DateTime } from 'luxon';
import rrulePkg from 'rrule';
import { tzlib_get_timezones } from 'timezones-ical-library';
import { FamilyErrors } from '../errors.ts';

const { RRule } = rrulePkg;

export const MAX_RULE_LENGTH = 300;
export const MAX_COUNT = 1000;
export const MAX_INTERVAL = 999;
/** A rule must produce its second occurrence within this many years (or end before). */
const MAX_GAP_YEARS = 10;
const DAY_MS = 86_400_000;

/** The wall-clock time of `at` in `zone`, as a floating Date (its UTC fields hold the local time). */
export function floatingOf(at: Date, zone: string): Date {
  if (zone === 'UTC') return at;
  const local = DateTime.fromJSDate(at, { zone });
  return new Date(
    Date.UTC(
      local.year,
      local.month - 1,
      local.day,
      local.hour,
      local.minute,
      local.second,
      local.millisecond,
    ),
  );
}

/**
 * The instant of a floating wall-clock time in `zone` (RFC 5545 3.3.5): a local time that a
 * summer-time change skips moves forward by the gap; one that occurs twice means the first.
 */
export function instantOf(local: Date, zone: string): Date {
  if (zone === 'UTC') return local;
  const instant = DateTime.fromObject(
    {
      year: local.getUTCFullYear(),
      month: local.getUTCMonth() + 1,
      day: local.getUTCDate(),
      hour: local.getUTCHours(),
      minute: local.getUTCMinutes(),
      second: local.getUTCSeconds(),
      millisecond: local.getUTCMilliseconds(),
    },
    { zone },
  ).toJSDate();
  // luxon takes the later of two equal local times; an earlier one exists only after a fall back.
  const fallBack =
    DateTime.fromJSDate(new Date(instant.getTime() - DAY_MS), { zone }).offset -
    DateTime.fromJSDate(instant, { zone }).offset;
  if (fallBack > 0) {
    const earlier = new Date(instant.getTime() - fallBack * 60_000);
    if (floatingOf(earlier, zone).getTime() === local.getTime()) return earlier;
  }
  return instant;
}

const utcText = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

const WEEKDAY = '(?:MO|TU|WE|TH|FR|SA|SU)';
const list = (item: string) => new RegExp(`^${item}(?:,${item})*$`);
const PARTS: Record<string, RegExp> = {
  FREQ: /^(?:DAILY|WEEKLY|MONTHLY|YEARLY)$/,
  INTERVAL: /^[1-9]\d{0,2}$/,
  COUNT: /^[1-9]\d{0,3}$/,
  UNTIL: /^\d{8}(?:T\d{6}Z)?$/,
  BYDAY: list(`(?:[+-]?(?:[1-9]|[1-4]\\d|5[0-3]))?${WEEKDAY}`),
  BYMONTHDAY: list('-?(?:[1-9]|[12]\\d|3[01])'),
  BYMONTH: list('(?:[1-9]|1[0-2])'),
  BYSETPOS: list('-?(?:[1-9]|[1-9]\\d|[12]\\d\\d|3[0-5]\\d|36[0-6])'),
  BYYEARDAY: list('-?(?:[1-9]|[1-9]\\d|[12]\\d\\d|3[0-5]\\d|36[0-6])'),
  BYWEEKNO: list('-?(?:[1-9]|[1-4]\\d|5[0-3])'),
  WKST: new RegExp(`^${WEEKDAY}$`),
};

type Rule = InstanceType<typeof RRule>;

/** A checked rule: its text as stored and written to iCal, and what the expansion needs. */
export interface Recurrence {
  rule: string;
  start: Date;
  /** The start of the last occurrence, or null if the rule recurs for ever. */
  lastStart: Date | null;
}

const invalid = (message: string) => FamilyErrors.invalidRecurrence(message);

/**
 * The rule in its stored form: upper case, parts in the order given, UNTIL as a UTC date-time
 * (a day means up to its end in the event's time zone, as the feed's DTSTART is a date-time and
 * RFC 5545 wants UNTIL then in UTC).
 */
function normalise(text: string, zone: string): string {
  const raw = text.trim().replace(/^RRULE:/i, '');
  if (raw.length === 0 || raw.length > MAX_RULE_LENGTH) {
    throw invalid(`A recurrence rule has 1 to ${MAX_RULE_LENGTH} characters`);
  }
  const seen = new Set<string>();
  const parts = raw.split(';').map((part) => {
    const [name = '', value = '', ...rest] = part.toUpperCase().split('=');
    const pattern = PARTS[name];
    if (!pattern) throw invalid(`${name || 'an empty part'} is not a supported rule part`);
    if (rest.length > 0 || !pattern.test(value)) throw invalid(`${name}=${value} is not a valid value`);
    if (seen.has(name)) throw invalid(`${name} is given twice`);
    seen.add(name);
    if (name === 'COUNT' && Number(value) > MAX_COUNT) throw invalid(`COUNT is at most ${MAX_COUNT}`);
    if (name === 'UNTIL' && value.length === 8) {
      const endOfDay = new Date(`${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6)}T23:59:59Z`);
      if (Number.isNaN(endOfDay.getTime())) throw invalid(`UNTIL=${value} is not a valid date`);
      return `UNTIL=${utcText(instantOf(endOfDay, zone))}`;
    }
    return `${name}=${value}`;
  });
  if (!seen.has('FREQ')) throw invalid('FREQ (DAILY, WEEKLY, MONTHLY or YEARLY) is required');
  if (seen.has('COUNT') && seen.has('UNTIL')) throw invalid('COUNT and UNTIL cannot both be given');
  return parts.join(';');
}

/** The rule over floating local times of `zone` (UNTIL, an instant, as its local time). */
function ruleOf(rule: string, start: Date, zone: string): Rule {
  const options = RRule.parseString(rule);
  if (options.until) options.until = floatingOf(options.until, zone);
  return new RRule({ ...options, dtstart: floatingOf(start, zone) });
}

/**
 * Checks a rule for an event or chore starting at `start` and recurring in `zone`'s wall-clock
 * time; throws 400 INVALID_RECURRENCE.
 */
export function checkRecurrence(text: string, start: Date, zone = 'UTC'): Recurrence {
  const rule = normalise(text, zone);
  const rrule = ruleOf(rule, start, zone);
  const localStart = floatingOf(start, zone);
  const horizon = new Date(localStart.getTime());
  horizon.setUTCFullYear(horizon.getUTCFullYear() + MAX_GAP_YEARS);
  const first = rrule.between(localStart, horizon, true, (_date, count) => count < 2);
  if (first[0]?.getTime() !== localStart.getTime()) {
    throw invalid('The start must be an occurrence of the rule (e.g. a Monday for BYDAY=MO)');
  }
  const ends = rrule.options.count !== null || rrule.options.until !== null;
  if (!ends && first.length < 2) {
    throw invalid(`The rule must recur within ${MAX_GAP_YEARS} years`);
  }
  let lastStart: Date | null = null;
  if (ends) {
    const all = rrule.all((_date, count) => count < MAX_COUNT);
    const last = all[all.length - 1];
    lastStart = last ? instantOf(last, zone) : start;
  }
  return { rule, start, lastStart };
}

/**
 * Occurrence starts (instants) of a checked rule in [from, to), in order, at most `limit` of
 * them, skipping `skip` (EXDATEs, overridden occurrences) and any not after `after`. `zone` is
 * the IANA time zone whose wall-clock time the rule recurs in.
 */
export function occurrenceStarts(
  rule: string,
  start: Date,
  window: { from: Date; to: Date; limit: number; skip?: Set<number>; after?: Date; zone?: string },
): Date[] {
  const { from, to, limit, skip, after, zone = 'UTC' } = window;
  if (to <= from || limit <= 0) return [];
  // Local times lie within a day of their instants: search a day wider, then compare instants.
  const margin = zone === 'UTC' ? 0 : DAY_MS;
  const localFrom = new Date(floatingOf(from, zone).getTime() - margin);
  const localTo = new Date(floatingOf(to, zone).getTime() + margin - 1);
  const found: Date[] = [];
  ruleOf(rule, start, zone).between(localFrom, localTo, true, (local) => {
    const date = instantOf(local, zone);
    const time = date.getTime();
    if (time >= to.getTime()) return false;
    if (time < from.getTime() || skip?.has(time) || (after && time <= after.getTime())) return true;
    found.push(date);
    return found.length < limit;
  });
  return found;
}

/** Whether `at` is an occurrence of the rule (and not an EXDATE). */
export function isOccurrence(
  rule: string,
  start: Date,
  at: Date,
  exdates: Date[] = [],
  zone = 'UTC',
): boolean {
  if (exdates.some((date) => date.getTime() === at.getTime())) return false;
  const [found] = occurrenceStarts(rule, start, { from: at, to: new Date(at.getTime() + 1), limit: 1, zone });
  return found?.getTime() === at.getTime();
}

/** The first occurrence strictly after `after`, or null when the rule has ended. */
export function nextOccurrence(rule: string, start: Date, after: Date, zone = 'UTC'): Date | null {
  const rrule = ruleOf(rule, start, zone);
  let local: Date | null = new Date(floatingOf(after, zone).getTime() - (zone === 'UTC' ? 0 : DAY_MS));
  for (let tries = 0; tries < 1000 && local; tries += 1) {
    local = rrule.after(local, false);
    if (local && instantOf(local, zone) > after) return instantOf(local, zone);
  }
  return null;
}

let feedZones: Set<string> | undefined;

/**
 * The IANA name of a time zone (canonical spelling, as Intl gives it), or null for one Intl does
 * not know or the iCal feed cannot write a VTIMEZONE for.
 */
export function canonicalTimeZone(name: string): string | null {
  if (name.length === 0 || name.length > 64) return null;
  let zone: string;
  try {
    zone = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  feedZones ??= new Set(tzlib_get_timezones() as string[]);
  return zone === 'UTC' || feedZones.has(zone) ? zone : null;
}
