// The seeding loop of `calos seed hollowtown`: K workers ask for recipes until the account
// holds N, a duplicate name is discarded (and another recipe asked for), a malformed answer or
// a broken stream costs one recipe, rate limits and a busy pool are waited out, and anything
// else (no model, no credits, a database error) stops the run. What is stored stays stored,
// so a run that stops, for whatever reason, is continued by running it again.
import { AppError } from '../../platform/errors.ts';

/** One generation, as the seed asks for it: resolves with the stored recipe's name. */
export type GenerateOne = (request: {
  theme: string;
  /** Called with each candidate name before it is stored; false discards it as a duplicate. */
  acceptName(name: string): boolean;
  /** Recent names, which the model is asked not to repeat. */
  avoidNames: readonly string[];
  signal: AbortSignal;
}) => Promise<{ name: string }>;

export interface SeedSettings {
  /** Recipes the account should hold when the run ends. */
  target: number;
  /** Names the account holds already. */
  existingNames: readonly string[];
  /** How many of them count towards the target (AI-generated ones). */
  alreadySeeded: number;
  concurrency: number;
  /** Generations allowed in all (each may ask the model up to three times). */
  maxTries: number;
  /** The prompt theme of the i-th generation. */
  themeOf(index: number): string;
  /** Stops the run: in-flight generations are abandoned, nothing stored is lost. */
  signal?: AbortSignal;
  /** The longest wait for a rate limit before giving up; default 15 minutes. */
  maxWaitSeconds?: number;
  /** Consecutive waits for an unavailable pool before giving up; default 5. */
  maxUnavailableRetries?: number;
  /** Generations in a row that end without a recipe before giving up; default 10. */
  maxFailuresInARow?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export type SeedEvent =
  | { type: 'created'; name: string; total: number }
  | { type: 'duplicate'; name: string }
  | { type: 'failed'; code: string; message: string }
  | { type: 'waiting'; seconds: number; reason: string };

export interface SeedOutcome {
  target: number;
  alreadySeeded: number;
  created: number;
  duplicates: number;
  failed: number;
  /** Failures by error code. */
  failures: Record<string, number>;
  tries: number;
  /** Why the run ended before the target: interrupted, out of tries, or an error that stops it. */
  stoppedBy: 'interrupted' | 'tries' | 'error' | null;
  error?: unknown;
  elapsedMs: number;
}

/** Lower case, no accents, no punctuation, no leading article: "The Witch's Brew" ~ "witch s brew". */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/^(the|a|an) /, '');
}

type Verdict = { kind: 'wait'; seconds: number; reason: string } | { kind: 'failed' } | { kind: 'fatal' };

/** What an error from one generation means for the run. */
export function classify(error: unknown, maxWaitSeconds: number): Verdict {
  if (!(error instanceof AppError)) return { kind: 'fatal' };
  const retryAfter = Number(
    (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds,
  );
  const seconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 2;
  switch (error.code) {
    case 'AI_RATE_LIMITED':
    case 'PROVIDER_RATE_LIMITED':
      return seconds > maxWaitSeconds ? { kind: 'fatal' } : { kind: 'wait', seconds, reason: error.message };
    case 'NO_INSTANCE_AVAILABLE':
    case 'OLLAMA_UNREACHABLE':
    case 'POOL_SATURATED':
    case 'UPSTREAM_UNAVAILABLE':
      return { kind: 'wait', seconds: Math.min(seconds, 30), reason: error.message };
    case 'AI_ANSWER_INVALID':
    case 'UPSTREAM_STREAM_BROKEN':
    case 'UPSTREAM_FAILED':
    case 'UPSTREAM_BAD_REQUEST':
      return { kind: 'failed' };
    default:
      return { kind: 'fatal' };
  }
}

const UNAVAILABLE = new Set([
  'NO_INSTANCE_AVAILABLE',
  'OLLAMA_UNREACHABLE',
  'POOL_SATURATED',
  'UPSTREAM_UNAVAILABLE',
]);

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export async function seedRecipes(
  settings: SeedSettings,
  generate: GenerateOne,
  onEvent: (event: SeedEvent) => void = () => undefined,
): Promise<SeedOutcome> {
  const started = performance.now();
  const maxWaitSeconds = settings.maxWaitSeconds ?? 15 * 60;
  const maxUnavailable = settings.maxUnavailableRetries ?? 5;
  const sleep = settings.sleep ?? defaultSleep;
  // Stops everything in flight: on the caller's signal, or when an error ends the run.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  settings.signal?.addEventListener('abort', onAbort, { once: true });
  if (settings.signal?.aborted) stop.abort();

  const taken = new Set(settings.existingNames.map(normaliseName));
  const recent = settings.existingNames.slice(-50);
  const outcome: SeedOutcome = {
    target: settings.target,
    alreadySeeded: settings.alreadySeeded,
    created: 0,
    duplicates: 0,
    failed: 0,
    failures: {},
    tries: 0,
    stoppedBy: null,
    elapsedMs: 0,
  };
  let inFlight = 0;
  let failuresInARow = 0;
  const maxFailuresInARow = settings.maxFailuresInARow ?? 10;
  const missing = () => settings.target - settings.alreadySeeded - outcome.created - inFlight;

  const acceptName = (name: string) => {
    const key = normaliseName(name);
    if (!key || taken.has(key)) {
      outcome.duplicates++;
      onEvent({ type: 'duplicate', name });
      return false;
    }
    taken.add(key);
    return true;
  };

  /** One recipe, waiting out rate limits and a busy pool; throws what ends it. */
  const generateOne = async (index: number): Promise<string> => {
    let unavailable = 0;
    for (;;) {
      // A signal of its own, so that listeners the gateway adds do not pile up on the run's.
      const own = new AbortController();
      const abortOwn = () => own.abort();
      stop.signal.addEventListener('abort', abortOwn, { once: true });
      try {
        const { name } = await generate({
          theme: settings.themeOf(index),
          acceptName,
          avoidNames: recent,
          signal: own.signal,
        });
        return name;
      } catch (error) {
        if (stop.signal.aborted) throw error;
        const verdict = classify(error, maxWaitSeconds);
        if (verdict.kind !== 'wait') throw error;
        if (UNAVAILABLE.has((error as AppError).code) && ++unavailable > maxUnavailable) throw error;
        onEvent({ type: 'waiting', seconds: verdict.seconds, reason: verdict.reason });
        await sleep(verdict.seconds * 1000, stop.signal);
        if (stop.signal.aborted) throw error;
      } finally {
        stop.signal.removeEventListener('abort', abortOwn);
      }
    }
  };

  const worker = async () => {
    while (!stop.signal.aborted && missing() > 0) {
      if (outcome.tries >= settings.maxTries) {
        outcome.stoppedBy ??= 'tries';
        return;
      }
      const index = outcome.tries++;
      inFlight++;
      try {
        const name = await generateOne(index);
        outcome.created++;
        failuresInARow = 0;
        recent.push(name);
        if (recent.length > 50) recent.shift();
        onEvent({ type: 'created', name, total: settings.alreadySeeded + outcome.created });
      } catch (error) {
        if (stop.signal.aborted) {
          outcome.stoppedBy ??= 'interrupted';
          return;
        }
        if (classify(error, maxWaitSeconds).kind === 'failed') {
          const code = (error as AppError).code;
          outcome.failed++;
          outcome.failures[code] = (outcome.failures[code] ?? 0) + 1;
          const problem = ((error as AppError).details as { problem?: unknown } | undefined)?.problem;
          const message =
            typeof problem === 'string'
              ? `${(error as Error).message} (last: ${problem})`
              : (error as Error).message;
          onEvent({ type: 'failed', code, message });
          if (++failuresInARow >= maxFailuresInARow) {
            outcome.stoppedBy ??= 'tries';
            stop.abort();
          }
        } else {
          outcome.stoppedBy = 'error';
          outcome.error = error;
          stop.abort();
        }
      } finally {
        inFlight--;
      }
    }
  };

  try {
    const workers = Math.max(1, Math.min(settings.concurrency, missing()));
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    settings.signal?.removeEventListener('abort', onAbort);
  }
  const reached = settings.alreadySeeded + outcome.created >= settings.target;
  if (reached && outcome.stoppedBy !== 'error') outcome.stoppedBy = null;
  else if (!reached && outcome.stoppedBy === null && settings.signal?.aborted)
    outcome.stoppedBy = 'interrupted';
  outcome.elapsedMs = performance.now() - started;
  return outcome;
}
