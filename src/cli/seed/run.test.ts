// The seeding loop against a fake generator: bounded concurrency, duplicates, failures, waits,
// errors that stop the run, and stopping from outside.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import { type GenerateOne, normaliseName, type SeedEvent, type SeedSettings, seedRecipes } from './run.ts';
import { SEED_THEMES, seedTheme } from './themes.ts';

const settings = (overrides: Partial<SeedSettings> = {}): SeedSettings => ({
  target: 5,
  existingNames: [],
  alreadySeeded: 0,
  concurrency: 2,
  maxTries: 50,
  themeOf: (i) => `theme ${i}`,
  sleep: async () => undefined,
  ...overrides,
});

/** A generator that proposes these names in order (Errors are thrown), after a tick. */
function fake(...script: (string | Error | string[])[]) {
  let inFlight = 0;
  let maxInFlight = 0;
  const themes: string[] = [];
  const generate: GenerateOne = async ({ theme, acceptName }) => {
    themes.push(theme);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const next = script.shift();
      if (next === undefined) throw new Error('the script ran out');
      if (next instanceof Error) throw next;
      // A list plays one generation's answers: each rejected one is asked again.
      for (const name of Array.isArray(next) ? next : [next]) if (acceptName(name)) return { name };
      throw new AppError(502, 'AI_ANSWER_INVALID', 'only duplicates');
    } finally {
      inFlight--;
    }
  };
  return { generate, themes, maxInFlight: () => maxInFlight };
}

describe('seeding recipes', () => {
  it('normalises names: case, accents, punctuation and a leading article do not make a new name', () => {
    expect(normaliseName("The Witch's  Brew!")).toBe(normaliseName('witch’s brew'));
    expect(normaliseName('Crème Brûlée of Doom')).toBe('creme brulee of doom');
    expect(normaliseName('Bat wings')).not.toBe(normaliseName('Bat wing'));
  });

  it('creates what is missing, never more than K at a time, with a different theme each', async () => {
    const gen = fake('a', 'b', 'c', 'd', 'e', 'f', 'g');
    const events: SeedEvent[] = [];
    const outcome = await seedRecipes(
      settings({ target: 7, alreadySeeded: 2, concurrency: 3 }),
      gen.generate,
      (e) => events.push(e),
    );
    expect(outcome).toMatchObject({ created: 5, duplicates: 0, failed: 0, stoppedBy: null });
    expect(gen.maxInFlight()).toBe(3);
    expect(new Set(gen.themes).size).toBe(5);
    expect(events.filter((e) => e.type === 'created').map((e) => (e as { total: number }).total)).toEqual([
      3, 4, 5, 6, 7,
    ]);
  });

  it('does nothing when the target is reached already', async () => {
    const gen = fake();
    const outcome = await seedRecipes(settings({ target: 3, alreadySeeded: 4 }), gen.generate);
    expect(outcome).toMatchObject({ created: 0, tries: 0, stoppedBy: null });
  });

  it('discards duplicates of stored names and of names made in this run', async () => {
    const gen = fake(['Old Soup', 'new soup'], ['NEW SOUP', 'Bread'], 'Cake');
    const outcome = await seedRecipes(
      settings({ target: 3, existingNames: ['The old soup'], concurrency: 1 }),
      gen.generate,
    );
    expect(outcome).toMatchObject({ created: 3, duplicates: 2, failed: 0, stoppedBy: null });
  });

  it('counts a failed recipe and goes on; gives up after maxTries', async () => {
    const invalid = new AppError(502, 'AI_ANSWER_INVALID', 'not a recipe');
    const outcome = await seedRecipes(
      settings({ target: 3, concurrency: 1, maxTries: 4 }),
      fake('a', invalid, invalid, 'b', 'c').generate,
    );
    expect(outcome).toMatchObject({
      created: 2,
      failed: 2,
      failures: { AI_ANSWER_INVALID: 2 },
      tries: 4,
      stoppedBy: 'tries',
    });
  });

  it('gives up when generations keep failing in a row, without using every try', async () => {
    const invalid = new AppError(502, 'AI_ANSWER_INVALID', 'not a recipe', {
      problem: 'the answer is not JSON',
    });
    const events: SeedEvent[] = [];
    const outcome = await seedRecipes(
      settings({ target: 50, concurrency: 1, maxFailuresInARow: 3 }),
      fake('a', invalid, invalid, 'b', invalid, invalid, invalid, 'never asked').generate,
      (e) => events.push(e),
    );
    expect(outcome).toMatchObject({ created: 2, failed: 5, tries: 7, stoppedBy: 'tries' });
    expect(events.find((e) => e.type === 'failed')).toMatchObject({
      message: 'not a recipe (last: the answer is not JSON)',
    });
  });

  it('waits out a rate limit and a busy pool without spending a try', async () => {
    const waits: number[] = [];
    const limited = new AppError(429, 'AI_RATE_LIMITED', 'limit', { retryAfterSeconds: 7 });
    const busy = new AppError(503, 'POOL_SATURATED', 'busy', { retryAfterSeconds: 1 });
    const events: SeedEvent[] = [];
    const outcome = await seedRecipes(
      settings({ target: 2, concurrency: 1, sleep: async (ms) => void waits.push(ms) }),
      fake('a', limited, busy, 'b').generate,
      (e) => events.push(e),
    );
    expect(outcome).toMatchObject({ created: 2, failed: 0, tries: 2, stoppedBy: null });
    expect(waits).toEqual([7000, 1000]);
    expect(events.filter((e) => e.type === 'waiting')).toHaveLength(2);
  });

  it('stops the run on an error it cannot wait out, and keeps what was made', async () => {
    const noModel = new AppError(404, 'MODEL_NOT_FOUND', 'No Ollama instance has the model "x"');
    const outcome = await seedRecipes(
      settings({ target: 5, concurrency: 1 }),
      fake('a', noModel, 'b').generate,
    );
    expect(outcome).toMatchObject({ created: 1, stoppedBy: 'error', error: noModel });

    const down = new AppError(503, 'NO_INSTANCE_AVAILABLE', 'down', { retryAfterSeconds: 1 });
    const stillDown = await seedRecipes(
      settings({ target: 1, maxUnavailableRetries: 2 }),
      fake(down, down, down, 'a').generate,
    );
    expect(stillDown).toMatchObject({ created: 0, stoppedBy: 'error', error: down });

    const dayLimit = new AppError(429, 'AI_RATE_LIMITED', 'day', { retryAfterSeconds: 80_000 });
    const tooLong = await seedRecipes(settings({ target: 1 }), fake(dayLimit).generate);
    expect(tooLong).toMatchObject({ stoppedBy: 'error', error: dayLimit });
  });

  it('stops when told, abandoning what is in flight', async () => {
    const controller = new AbortController();
    const generate: GenerateOne = ({ acceptName, signal }) =>
      new Promise((resolve, reject) => {
        const name = `r${Math.random()}`;
        const timer = setTimeout(() => resolve({ name: acceptName(name) ? name : 'x' }), 20);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new AppError(499, 'CLIENT_CLOSED', 'closed'));
        });
      });
    const outcome = await seedRecipes(
      settings({ target: 100, concurrency: 2, signal: controller.signal }),
      generate,
      (e) => {
        if (e.type === 'created' && e.total === 3) controller.abort();
      },
    );
    expect(outcome.stoppedBy).toBe('interrupted');
    expect(outcome.created).toBeGreaterThanOrEqual(3);
    expect(outcome.created).toBeLessThan(5);
  });

  it('crosses every theme with kinds of dishes', () => {
    const prompts = Array.from({ length: 2 * SEED_THEMES.length }, (_, i) => seedTheme(SEED_THEMES, i));
    expect(new Set(prompts).size).toBe(prompts.length);
    expect(seedTheme(['vegan'], 0)).toBe('vegan: a dessert');
    expect(seedTheme(['vegan'], 1)).toBe('vegan: a main course');
  });
});
