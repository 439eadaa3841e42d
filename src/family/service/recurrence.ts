// Recurrence rules of calendar events and chores (RFC 5545 RRULE), expanded with the `rrule`
// library. A rule recurs in UTC from its start (the iCal feed writes DTSTART in UTC, so calendar
// apps expand it the same way). Only rules a family planner means are accepted: daily to yearly,
// bounded counts and intervals, and a start that is itself an occurrence (RFC 5545 leaves a
// DTSTART outside its rule undefined, and calendar apps disagree about it).
import rrulePkg from 'rrule';
import { FamilyErrors } from '../errors.ts';

const { RRule } = rrulePkg;

export const MAX_RULE_LENGTH = 300;
export const MAX_COUNT = 1000;
export const MAX_INTERVAL = 999;
/** A rule must produce its second occurrence within this many years (or end before). */
const MAX_GAP_YEARS = 10;

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
 * (a day means up to its end, as the feed's DTSTART is a UTC date-time and RFC 5545 wants the
 * same value type).
 */
function normalise(text: string): string {
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
    if (name === 'UNTIL' && value.length === 8) return `UNTIL=${value}T235959Z`;
    return `${name}=${value}`;
  });
  if (!seen.has('FREQ')) throw invalid('FREQ (DAILY, WEEKLY, MONTHLY or YEARLY) is required');
  if (seen.has('COUNT') && seen.has('UNTIL')) throw invalid('COUNT and UNTIL cannot both be given');
  return parts.join(';');
}

function ruleOf(rule: string, start: Date): Rule {
  return new RRule({ ...RRule.parseString(rule), dtstart: start });
}

/** Checks a rule for an event or chore starting at `start`; throws 400 INVALID_RECURRENCE. */
export function checkRecurrence(text: string, start: Date): Recurrence {
  const rule = normalise(text);
  const rrule = ruleOf(rule, start);
  const horizon = new Date(start.getTime());
  horizon.setUTCFullYear(horizon.getUTCFullYear() + MAX_GAP_YEARS);
  const first = rrule.between(start, horizon, true, (_date, count) => count < 2);
  if (first[0]?.getTime() !== start.getTime()) {
    throw invalid('The start must be an occurrence of the rule (e.g. a Monday for BYDAY=MO)');
  }
  const ends = rrule.options.count !== null || rrule.options.until !== null;
  if (!ends && first.length < 2) {
    throw invalid(`The rule must recur within ${MAX_GAP_YEARS} years`);
  }
  let lastStart: Date | null = null;
  if (ends) {
    const all = rrule.all((_date, count) => count < MAX_COUNT);
    lastStart = all[all.length - 1] ?? start;
  }
  return { rule, start, lastStart };
}

/**
 * Occurrence starts of a checked rule in [from, to), in order, at most `limit` of them, skipping
 * `skip` (EXDATEs, overridden occurrences) and any not after `after`.
 */
export function occurrenceStarts(
  rule: string,
  start: Date,
  window: { from: Date; to: Date; limit: number; skip?: Set<number>; after?: Date },
): Date[] {
  const { from, to, limit, skip, after } = window;
  if (to <= from || limit <= 0) return [];
  const found: Date[] = [];
  ruleOf(rule, start).between(from, new Date(to.getTime() - 1), true, (date) => {
    const time = date.getTime();
    if (skip?.has(time) || (after && time <= after.getTime())) return true;
    found.push(date);
    return found.length < limit;
  });
  return found;
}

/** Whether `at` is an occurrence of the rule (and not an EXDATE). */
export function isOccurrence(rule: string, start: Date, at: Date, exdates: Date[] = []): boolean {
  if (exdates.some((date) => date.getTime() === at.getTime())) return false;
  const [found] = occurrenceStarts(rule, start, { from: at, to: new Date(at.getTime() + 1), limit: 1 });
  return found?.getTime() === at.getTime();
}

/** The first occurrence strictly after `after`, or null when the rule has ended. */
export function nextOccurrence(rule: string, start: Date, after: Date): Date | null {
  return ruleOf(rule, start).after(after, false);
}
