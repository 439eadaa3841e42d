// The one source of the current time. Every service, store and background job reads the time
// from the Clock it was built with (never `Date.now()` or `new Date()`: test/clock.test.ts
// forbids them in src), so a test can move time — past a token's expiry, to a reminder's
// minute, a year ahead — without depending on the day it runs.

export interface Clock {
  now(): Date;
  /** Milliseconds since the epoch, as Date.now(). */
  nowMs(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  nowMs: () => Date.now(),
};

/**
 * A clock that ticks with the system's but can be moved: `advance` and `set` shift it, and the
 * shift stays while real time goes on (timers, timeouts and sockets still run in real time).
 */
export interface TestClock extends Clock {
  advance(ms: number): void;
  set(at: Date | string): void;
  /** How far it is from the system clock, in milliseconds. */
  readonly offsetMs: number;
}

export function createTestClock(start?: Date | string): TestClock {
  let offset = start === undefined ? 0 : new Date(start).getTime() - Date.now();
  return {
    now: () => new Date(Date.now() + offset),
    nowMs: () => Date.now() + offset,
    advance(ms) {
      offset += ms;
    },
    set(at) {
      offset = new Date(at).getTime() - Date.now();
    },
    get offsetMs() {
      return offset;
    },
  };
}

const DAY_MS = 86_400_000;

/** The calendar day (UTC) of an instant, `YYYY-MM-DD`. */
export const isoDay = (at: Date) => at.toISOString().slice(0, 10);

/** The UTC day `days` after (or before) an instant's, `YYYY-MM-DD`. */
export const isoDayAfter = (at: Date, days: number) => isoDay(new Date(at.getTime() + days * DAY_MS));
