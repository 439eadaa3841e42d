// calos seed hollowtown --count N [--concurrency K] [--user NAME] [--theme TEXT]… [--publish]
//
// Generates Halloween recipes through the AI gateway (its Ollama pool, limits and metering, as
// for any user) until the account holds N AI recipes, K at a time. The account is the system
// account `calos-seed` (created on the enterprise plan if missing, so 600 calls a minute; its
// recipes are published for every user), or an existing user named with --user (their own
// plan's limits, which the seed waits out; their recipes stay private unless --publish).
// A recipe whose name the account already has is discarded and another one asked for. Stopped
// at any point, the same command continues where it stopped: it counts what is stored.

import { normalizeOllamaModel, providerOfModel } from '../ai/client.ts';
import type { PlanCode } from '../identity/client.ts';
import { ensureSystemAccount } from '../identity/index.ts';
import type { Config } from '../platform/config.ts';
import { AppError } from '../platform/errors.ts';
import { createLogger } from '../platform/logger.ts';
import { CliErrors } from './errors.ts';
import { cliEnv, print, stderrStream, UsageError } from './output.ts';
import { formatSeconds, type ProgressOutput, SeedProgress } from './seed/progress.ts';
import { type SeedEvent, type SeedOutcome, seedRecipes } from './seed/run.ts';
import { openSeedServices, type SeedServices } from './seed/services.ts';
import { SEED_THEMES, seedTheme } from './seed/themes.ts';

export interface SeedValues {
  count?: string;
  concurrency?: string;
  user?: string;
  theme?: string[];
  publish?: boolean;
}

export const SEED_USAGE =
  'use: calos seed hollowtown --count N [--concurrency K] [--user NAME] [--theme TEXT]… [--publish]';

/** The system account that owns seeded recipes when no --user is given. */
export const SEED_ACCOUNT = 'calos-seed';
export const DEFAULT_CONCURRENCY = 4;
const MAX_COUNT = 10_000;
const MAX_CONCURRENCY = 32;
const MAX_THEME_LENGTH = 150;
/** Generations allowed per recipe still missing (duplicates and failures use them up), plus a few. */
const TRIES_PER_RECIPE = 3;

/** Where the seed talks to (the process by default; tests capture it). */
export interface SeedIo {
  /** The summary, one line at a time (stdout). */
  out(line: string): void;
  /** Progress (stderr). */
  progress: ProgressOutput;
  /** Stops the run as Ctrl-C does; without one, SIGINT is listened to. */
  signal?: AbortSignal;
  onEvent?(event: SeedEvent): void;
  migrationsDir?: string;
}

const processIo = (): SeedIo => ({ out: print, progress: stderrStream() });

const wholeNumber = (
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined => {
  if (value === undefined) return undefined;
  const n = /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max))
    throw new UsageError(`--${name} takes a whole number from ${min} to ${max} (got "${value}")`);
  return n;
};

export interface SeedArguments {
  count: number;
  concurrency: number;
  user: string | undefined;
  themes: string[];
  publish: boolean;
}

export function parseSeedArguments(rest: string[], values: SeedValues): SeedArguments {
  const [app, ...extra] = rest;
  if (app !== 'hollowtown' || extra.length > 0) {
    throw new UsageError(
      app === undefined || app === 'hollowtown'
        ? `unexpected "${extra.join(' ')}"\n${SEED_USAGE}`
        : `calos seed knows hollowtown and starter (got "${app}")\n${SEED_USAGE}`,
    );
  }
  const count = wholeNumber('count', values.count, 1, MAX_COUNT);
  if (count === undefined) throw new UsageError(`calos seed hollowtown needs --count N\n${SEED_USAGE}`);
  const concurrency =
    wholeNumber('concurrency', values.concurrency, 1, MAX_CONCURRENCY) ?? DEFAULT_CONCURRENCY;
  const themes = (values.theme ?? []).map((t) => t.trim());
  for (const theme of themes) {
    if (!theme || theme.length > MAX_THEME_LENGTH)
      throw new UsageError(`--theme takes a text of 1 to ${MAX_THEME_LENGTH} characters (got "${theme}")`);
  }
  const user = values.user?.trim();
  if (values.user !== undefined && !user) throw new UsageError('--user takes a username or email');
  return { count, concurrency, user, themes, publish: values.publish ?? false };
}

export async function runSeed(
  config: Config,
  rest: string[],
  values: SeedValues,
  io: SeedIo = processIo(),
): Promise<number> {
  const args = parseSeedArguments(rest, values);
  // The seed reports what matters itself; the services' info logs would break the progress bar.
  const logger = createLogger({ logLevel: cliEnv().LOG_LEVEL ? config.logLevel : 'silent' });
  const services = await openSeedServices(config, logger, {
    poolSize: args.concurrency + 2,
    migrationsDir: io.migrationsDir,
  });
  const interrupt = io.signal ? undefined : listenForInterrupt();
  const signal = io.signal ?? interrupt?.signal;
  try {
    const account = await resolveAccount(services, args);
    await checkOllama(config, services, account);
    const existing = await services.hollowtown.recipeNames(account.userId);
    const alreadySeeded = existing.filter((r) => r.source === 'ai').length;
    const who = `${account.username} (${account.plan} plan${account.created ? ', created now' : ''})`;
    if (alreadySeeded >= args.count) {
      io.out(`${who} holds ${alreadySeeded} AI recipes already (asked for ${args.count}): nothing to do.`);
      return 0;
    }
    const missing = args.count - alreadySeeded;
    io.progress.write(
      `Seeding Hollowtown for ${who}: ${missing} more recipe${missing === 1 ? '' : 's'} to reach ${args.count}` +
        `${alreadySeeded > 0 ? ` (${alreadySeeded} there already)` : ''}, ${args.concurrency} at a time` +
        `${account.publish ? ', published' : ', private'}.\n`,
    );
    const themes = args.themes.length > 0 ? args.themes : SEED_THEMES;
    const offset = Math.floor(Math.random() * themes.length);
    const progress = new SeedProgress(io.progress, args.count, alreadySeeded);
    interrupt?.onFirst(() =>
      progress.note('Stopping: what is stored stays stored (Ctrl-C again to quit at once).'),
    );
    let outcome: SeedOutcome;
    try {
      outcome = await seedRecipes(
        {
          target: args.count,
          existingNames: existing.map((r) => r.recipe_name),
          alreadySeeded,
          concurrency: args.concurrency,
          maxTries: missing * TRIES_PER_RECIPE + 5,
          themeOf: (index) => seedTheme(themes, index, offset),
          signal,
        },
        async ({ theme, acceptName, avoidNames, signal }) => {
          const recipe = await services.generation.generate(
            { userId: account.userId, plan: account.plan },
            { theme },
            { publish: account.publish, acceptName, avoidNames, signal },
          );
          return { name: recipe.recipe_name };
        },
        (event) => {
          progress.event(event);
          io.onEvent?.(event);
        },
      );
    } finally {
      progress.close();
    }
    for (const line of summary(outcome, account.username, services)) io.out(line);
    if (outcome.stoppedBy === 'error') throw explain(outcome.error, config, account);
    if (outcome.stoppedBy === 'interrupted') return 130;
    return outcome.stoppedBy === 'tries' ? 1 : 0;
  } finally {
    interrupt?.dispose();
    await services.close();
  }
}

interface SeedAccount {
  userId: string;
  username: string;
  plan: PlanCode;
  created: boolean;
  publish: boolean;
}

async function resolveAccount(services: SeedServices, args: SeedArguments): Promise<SeedAccount> {
  if (args.user === undefined) {
    const account = await ensureSystemAccount(services.identityServices.deps, {
      username: SEED_ACCOUNT,
      displayName: 'Hollowtown seed recipes',
      plan: 'enterprise',
    }).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'USERNAME_TAKEN') {
        throw CliErrors.seedAccountTaken(SEED_ACCOUNT);
      }
      throw error;
    });
    return { ...account, publish: true };
  }
  const user = await services.identity.findUser({ login: args.user });
  if (!user) {
    throw CliErrors.seedUserNotFound(args.user, SEED_ACCOUNT);
  }
  const { plan } = await services.identity.planOf(user.userId);
  return { userId: user.userId, username: user.username, plan, created: false, publish: args.publish };
}

/**
 * Before asking for anything: when the model the gateway will use is an Ollama model, some
 * instance in OLLAMA_HOSTS must answer and have it. Otherwise the error says which and why.
 */
async function checkOllama(config: Config, services: SeedServices, account: SeedAccount): Promise<void> {
  const preference = (await services.identity.ai.preferences(account.userId)).model_preference;
  const wanted = preference || config.ai.defaultModel;
  if (providerOfModel(wanted) !== 'ollama') return;
  const model = normalizeOllamaModel(wanted);
  const where = preference
    ? `the model preference of ${account.username}`
    : 'CALOS_AI_DEFAULT_MODEL (the gateway default)';
  const hosts = await Promise.all(config.ai.ollamaHosts.map(probeOllama));
  const reachable = hosts.filter((h) => h.models !== undefined);
  if (reachable.length === 0) {
    throw CliErrors.ollamaUnreachable(hosts.map((h) => `${h.url}: ${h.problem}`).join('; '));
  }
  if (!reachable.some((h) => h.models?.has(model))) {
    const have = reachable
      .map((h) => `${h.url} has ${h.models?.size ? [...(h.models ?? [])].join(', ') : 'no models'}`)
      .join('; ');
    throw CliErrors.seedModelNotFound(model, where, have);
  }
}

async function probeOllama(url: string): Promise<{ url: string; models?: Set<string>; problem?: string }> {
  try {
    const response = await fetch(`${url}/api/tags`, { signal: AbortSignal.timeout(3000) });
    if (!response.ok) return { url, problem: `GET /api/tags answered ${response.status}` };
    const body = (await response.json()) as { models?: { name?: unknown; model?: unknown }[] };
    const names = (body.models ?? [])
      .map((m) => m.name ?? m.model)
      .filter((n): n is string => typeof n === 'string')
      .map(normalizeOllamaModel);
    return { url, models: new Set(names) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { url, problem: cause?.code ?? cause?.message ?? (error as Error).message };
  }
}

/** An error that stopped the run, said so that the operator knows what to change. */
function explain(error: unknown, config: Config, account: SeedAccount): unknown {
  if (!(error instanceof AppError)) return error;
  const hosts = config.ai.ollamaHosts.join(',');
  const again = 'The recipes stored so far stay; run the same command again to continue.';
  switch (error.code) {
    case 'MODEL_NOT_FOUND':
    case 'NO_INSTANCE_AVAILABLE':
    case 'POOL_SATURATED':
    case 'UPSTREAM_UNAVAILABLE':
      return CliErrors.withAdvice(
        error,
        `${error.message}. The gateway reaches Ollama at OLLAMA_HOSTS=${hosts}; check those instances. ${again}`,
      );
    case 'INSUFFICIENT_CREDITS':
      return CliErrors.withAdvice(
        error,
        `${account.username} has run out of credits for this model (${error.message}). Grant credits or use a model that costs none. ${again}`,
      );
    case 'AI_RATE_LIMITED':
      return CliErrors.withAdvice(
        error,
        `${error.message} (${account.username} is on the ${account.plan} plan). Seed an account with higher limits, or wait. ${again}`,
      );
    default:
      return CliErrors.withAdvice(error, `${error.message}. ${again}`);
  }
}

function summary(outcome: SeedOutcome, username: string, services: SeedServices): string[] {
  const total = outcome.alreadySeeded + outcome.created;
  const seconds = outcome.elapsedMs / 1000;
  const { usage } = services;
  const failures = Object.entries(outcome.failures)
    .map(([code, n]) => `${n} ${code}`)
    .join(', ');
  const ending =
    outcome.stoppedBy === 'interrupted'
      ? 'interrupted; run the same command again to continue'
      : outcome.stoppedBy === 'tries'
        ? `gave up after ${outcome.tries} generations (too many failures or duplicates); run again, perhaps with other --theme values or another model`
        : outcome.stoppedBy === 'error'
          ? 'stopped by an error (below)'
          : 'done';
  const rate = seconds > 0 ? ` (${((outcome.created * 60) / seconds).toFixed(1)} recipes/min)` : '';
  return [
    `Hollowtown seed for ${username}: ${total}/${outcome.target} recipes, ${ending}.`,
    `  created             ${outcome.created}${outcome.alreadySeeded > 0 ? ` (${outcome.alreadySeeded} were there already)` : ''}`,
    `  skipped duplicates  ${outcome.duplicates}`,
    `  failed              ${outcome.failed}${failures ? ` (${failures})` : ''}`,
    `  time                ${formatSeconds(seconds)}${rate}`,
    `  AI                  ${usage.calls} calls, ${(usage.promptTokens + usage.completionTokens).toLocaleString('en-US')} tokens ` +
      `(${usage.promptTokens.toLocaleString('en-US')} prompt, ${usage.completionTokens.toLocaleString('en-US')} completion), ` +
      `${usage.credits.toLocaleString('en-US')} credits${usage.models.size > 0 ? `, ${[...usage.models].join(', ')}` : ''}`,
  ];
}

/** Ctrl-C once: stop and summarise; twice: quit at once. */
function listenForInterrupt() {
  const controller = new AbortController();
  let onFirst: (() => void) | undefined;
  const handler = () => {
    if (controller.signal.aborted) process.exit(130);
    onFirst?.();
    controller.abort();
  };
  process.on('SIGINT', handler);
  return {
    signal: controller.signal,
    onFirst(callback: () => void) {
      onFirst = callback;
    },
    dispose() {
      process.off('SIGINT', handler);
    },
  };
}
