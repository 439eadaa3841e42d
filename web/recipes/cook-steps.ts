// What cook mode reads out of a step's words: the times in it ("bake 25 minutes", "simmer for 1
// hour", "10–12 min", "1 hour 30 minutes", "half an hour") as timers, and which of the recipe's
// ingredients it names ("add the lentils" names "250 g red lentils"). Pure, so it is tested alone.

/** A time found in a step: the words as written and the seconds a timer counts down. */
export interface StepDuration {
  /** The words in the step, e.g. "10–12 min". */
  text: string;
  /** Seconds for the timer: the shorter end of a range, so the cook checks in time. */
  seconds: number;
  /** The longer end of a range ("10–12 min" → 720); equal to seconds otherwise. */
  maxSeconds: number;
}

/** Longer than any step asks (a three-day ferment); a bigger number is not a time to count down. */
const MAX_SECONDS = 72 * 3600;

const WORD_NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  'forty-five': 45,
  fifty: 50,
  sixty: 60,
};

const GLYPHS: Record<string, number> = { '½': 0.5, '¼': 0.25, '¾': 0.75, '⅓': 1 / 3, '⅔': 2 / 3 };

const UNIT_SECONDS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(?:hours?|hrs?|h)$/i, 3600],
  [/^(?:minutes?|mins?)$/i, 60],
  [/^(?:seconds?|secs?)$/i, 1],
];

const NUMBER = `(?:\\d+(?:[.,]\\d+)?(?:\\s*[½¼¾⅓⅔])?|\\d+\\s+\\d/\\d|\\d/\\d|[½¼¾⅓⅔]|forty-five|${Object.keys(
  WORD_NUMBERS,
)
  .filter((w) => w !== 'forty-five')
  .join('|')})`;
const UNIT = 'hours?|hrs?|h|minutes?|mins?|seconds?|secs?';
// "half an hour" | 10–12 min | 25 minutes; never inside a word ("banana hour", "3 hummus").
const DURATION = new RegExp(
  `(?<![\\p{L}\\p{N}.,/])(?:(half\\s+an?\\s+hour)|(${NUMBER})(?:\\s*(?:-|–|—|to|or)\\s*(${NUMBER}))?[\\s-]*(${UNIT})\\.?)(?![\\p{L}\\p{N}])`,
  'giu',
);

function readNumber(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t in WORD_NUMBERS) return WORD_NUMBERS[t] ?? null;
  const mixed = /^(\d+)\s+(\d)\/(\d)$/.exec(t);
  if (mixed) return Number(mixed[1]) + Number(mixed[2]) / Number(mixed[3]);
  const fraction = /^(\d)\/(\d)$/.exec(t);
  if (fraction) return Number(fraction[2]) === 0 ? null : Number(fraction[1]) / Number(fraction[2]);
  const glyph = /^(\d*(?:[.,]\d+)?)\s*([½¼¾⅓⅔])?$/.exec(t);
  if (!glyph) return null;
  const whole = glyph[1] ? Number(glyph[1].replace(',', '.')) : 0;
  const part = glyph[2] ? (GLYPHS[glyph[2]] ?? 0) : 0;
  const value = whole + part;
  return Number.isFinite(value) ? value : null;
}

const unitSeconds = (unit: string) => UNIT_SECONDS.find(([pattern]) => pattern.test(unit))?.[1] ?? 0;

/** The times a step's words give, in the order written; "1 hour 30 minutes" is one time. */
export function findDurations(step: string): StepDuration[] {
  const found: Array<StepDuration & { start: number; end: number; unit: number }> = [];
  for (const match of step.matchAll(DURATION)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    let seconds: number;
    let maxSeconds: number;
    let unit: number;
    if (match[1]) {
      seconds = maxSeconds = 1800;
      unit = 3600;
    } else {
      unit = unitSeconds(match[4] ?? '');
      const low = readNumber(match[2] ?? '');
      const high = match[3] ? readNumber(match[3]) : low;
      if (low === null || high === null || unit === 0) continue;
      seconds = Math.round(Math.min(low, high) * unit);
      maxSeconds = Math.round(Math.max(low, high) * unit);
    }
    const previous = found.at(-1);
    // "1 hour 30 minutes", "1 h and 15 min": the smaller unit adds to the time before it.
    if (
      previous &&
      previous.unit > unit &&
      previous.seconds === previous.maxSeconds &&
      /^\s*(?:,|and)?\s*$/i.test(step.slice(previous.end, start))
    ) {
      previous.seconds += seconds;
      previous.maxSeconds += maxSeconds;
      previous.end = end;
      previous.unit = unit;
      previous.text = step.slice(previous.start, end);
      continue;
    }
    found.push({ text: match[0], seconds, maxSeconds, start, end, unit });
  }
  return found
    .filter((d) => d.seconds > 0 && d.maxSeconds <= MAX_SECONDS)
    .map(({ text, seconds, maxSeconds }) => ({ text: text.replace(/\.$/, ''), seconds, maxSeconds }));
}

/** A countdown as a clock reads: 1:05:00, 24:59, 0:07. */
export function formatCountdown(totalSeconds: number): string {
  const s = Math.max(0, Math.ceil(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${minutes}:${two(seconds)}`;
}

/** A duration in words for a timer's name: "25 minutes", "1 hour 30 minutes", "45 seconds". */
export function describeSeconds(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const part = (n: number, word: string) => (n ? `${n} ${word}${n === 1 ? '' : 's'}` : '');
  return [part(hours, 'hour'), part(minutes, 'minute'), part(seconds, 'second')].filter(Boolean).join(' ');
}

// A last word this general would match too much alone ("baking powder" in "cocoa powder").
const TOO_GENERAL = new Set(['powder', 'sauce', 'juice', 'paste', 'extract', 'leaves', 'seeds', 'mix']);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The word or words as a pattern that also reads the plural or singular ("tomato", "tomatoes"). */
function wordPattern(words: string): RegExp {
  const stem = words.replace(/(?:es|s)$/i, '');
  const body = stem.length >= 3 ? `${escapeRegExp(stem)}(?:es|s)?` : escapeRegExp(words);
  return new RegExp(`(?<![\\p{L}\\p{N}])${body.replace(/\s+/g, '\\s+')}(?![\\p{L}\\p{N}])`, 'iu');
}

/**
 * The ingredients a step names, in the recipe's order: by their whole name ("red lentils") or,
 * failing that, their last word ("lentils"), singular or plural.
 */
export function ingredientsInStep<T extends { name: string }>(step: string, ingredients: readonly T[]): T[] {
  return ingredients.filter((ingredient) => {
    const name = ingredient.name
      .toLowerCase()
      .replace(/\([^)]*\)/g, ' ')
      .replace(/[^\p{L}\p{N}\s'-]/gu, ' ')
      .trim()
      .replace(/\s+/g, ' ');
    if (name.length < 2) return false;
    if (wordPattern(name).test(step)) return true;
    const last = name.split(' ').at(-1) ?? '';
    return last !== name && last.length >= 3 && !TOO_GENERAL.has(last) && wordPattern(last).test(step);
  });
}
