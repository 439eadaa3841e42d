// calos seed hollowtown end to end: the command's own services (identity, the AI gateway,
// Hollowtown) in this process, against an Ollama stand-in named by OLLAMA_HOSTS.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type OllamaStandIn, startOllamaStandIn } from '../../test/stand-ins/ollama.ts';
import { type IsolatedDatabases, isolatedDatabases } from '../../test/support/databases.ts';
import { testEngines } from '../../test/support/engines.ts';
import { goodAnswer } from '../hollowtown/testing/recipe-answers.ts';
import { createIdentityServices } from '../identity/index.ts';
import { DEFAULT_PLANS as PLANS } from '../identity/plans.ts';
import { ensureSystemAccount } from '../identity/service/system-accounts.ts';
import { type Config, loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import type { SeedEvent } from './seed/run.ts';
import { parseSeedArguments, runSeed, SEED_ACCOUNT, type SeedIo, type SeedValues } from './seed.ts';

const answers = (...names: string[]) => names.map((recipe_name) => goodAnswer({ recipe_name }));

interface Captured {
  code: number;
  out: string[];
  progress: string;
  events: SeedEvent[];
}

describe('calos seed arguments', () => {
  it('needs hollowtown and --count, and checks every number and theme', () => {
    expect(parseSeedArguments(['hollowtown'], { count: '100' })).toEqual({
      count: 100,
      concurrency: 4,
      user: undefined,
      themes: [],
      publish: false,
    });
    expect(() => parseSeedArguments(['hollowtown'], {})).toThrow('needs --count N');
    expect(() => parseSeedArguments(['recipes'], { count: '1' })).toThrow('knows hollowtown and starter');
    expect(() => parseSeedArguments([], { count: '1' })).toThrow('use: calos seed hollowtown');
    expect(() => parseSeedArguments(['hollowtown'], { count: '0' })).toThrow('--count takes a whole number');
    expect(() => parseSeedArguments(['hollowtown'], { count: '2', concurrency: '99' })).toThrow(
      '--concurrency takes a whole number from 1 to 32',
    );
    expect(() => parseSeedArguments(['hollowtown'], { count: '2', theme: [' '] })).toThrow('--theme takes');
    expect(() => parseSeedArguments(['hollowtown'], { count: '2', user: ' ' })).toThrow('--user takes');
  });
});

describe.each(testEngines())('calos seed hollowtown on %s', (engine) => {
  let isolated: IsolatedDatabases;
  let standIn: OllamaStandIn;

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine);
    standIn = await startOllamaStandIn({ models: ['llama3.2:latest'] });
  });
  afterAll(async () => {
    await standIn?.close();
    await isolated?.cleanup();
  });

  const configWith = (env: Record<string, string> = {}, target = isolated): Config => ({
    ...loadConfig({ NODE_ENV: 'test', CALOS_DATA_DIR: target.dataDir, OLLAMA_HOSTS: standIn.url, ...env }),
    databases: target.targets,
  });

  async function seed(
    values: SeedValues,
    options: { config?: Config; signal?: AbortSignal; onEvent?: (e: SeedEvent) => void } = {},
  ): Promise<Captured> {
    const captured: Captured = { code: -1, out: [], progress: '', events: [] };
    const io: SeedIo = {
      out: (line) => captured.out.push(line),
      progress: {
        isTTY: false,
        write: (text: string) => {
          captured.progress += text;
        },
      },
      signal: options.signal,
      onEvent: (event) => {
        captured.events.push(event);
        options.onEvent?.(event);
      },
    };
    captured.code = await runSeed(options.config ?? configWith(), ['hollowtown'], values, io);
    return captured;
  }

  /** The seeded account's recipes, read after the command has closed its databases. */
  async function recipesOf(username: string) {
    const pools = await isolated.open(['identity', 'hollowtown']);
    try {
      const user = (
        await pools
          .get('identity')
          .query<{ user_id: string }>('SELECT user_id FROM users WHERE username = $1', [username])
      ).rows[0];
      if (!user) return [];
      return (
        await pools
          .get('hollowtown')
          .query<{ recipe_name: string; is_published: boolean; source: string }>(
            'SELECT recipe_name, is_published, source FROM spooky_recipes WHERE user_id = $1 ORDER BY created_at',
            [user.user_id],
          )
      ).rows;
    } finally {
      await pools.closeAll();
    }
  }

  const chatRequests = () => standIn.requests.filter((r) => r.path === '/api/chat');

  afterEach(() => {
    // Nothing scripted may leak into the next test.
    expect(standIn.requests.filter((r) => r.outcome === 'pending')).toEqual([]);
  });

  it('seeds N recipes for the calos-seed account (created on the enterprise plan, published) and resumes to a larger N', async () => {
    standIn.script(...answers('Graveyard dirt cups', 'Mummy dogs', 'Witch hat cookies'));
    const first = await seed({ count: '3' });
    expect(first.code).toBe(0);
    expect(first.progress).toContain(`Seeding Hollowtown for ${SEED_ACCOUNT} (enterprise plan, created now)`);
    expect(first.progress).toMatch(/\[[ \d]\/3\] (Graveyard dirt cups|Mummy dogs|Witch hat cookies)/);
    expect(first.out[0]).toBe(`Hollowtown seed for ${SEED_ACCOUNT}: 3/3 recipes, done.`);
    expect(first.out.join('\n')).toMatch(
      /created +3\n +skipped duplicates +0\n +failed +0\n +time .*\n +AI +3 calls, [\d,]+ tokens/,
    );
    const three = await recipesOf(SEED_ACCOUNT);
    expect(three.map((r) => r.recipe_name).sort()).toEqual([
      'Graveyard dirt cups',
      'Mummy dogs',
      'Witch hat cookies',
    ]);
    expect(three.every((r) => r.is_published && r.source === 'ai')).toBe(true);

    // The account exists in identity on the enterprise plan, and nobody can sign in to it.
    const pools = await isolated.open(['identity']);
    try {
      const config = configWith();
      const identity = createIdentityServices({ config, databases: pools, logger: createLogger(config) });
      const user = (
        await pools
          .get('identity')
          .query<{ user_id: string }>('SELECT user_id FROM users WHERE username = $1', [SEED_ACCOUNT])
      ).rows[0];
      const plan = (
        await pools
          .get('identity')
          .query<{ plan_code: string }>(
            "SELECT plan_code FROM user_subscriptions WHERE user_id = $1 AND status = 'active'",
            [user?.user_id],
          )
      ).rows;
      expect(plan).toEqual([{ plan_code: 'enterprise' }]);
      expect(PLANS.enterprise.aiRateLimits.perMinute).toBeGreaterThanOrEqual(100);
      await expect(
        identity.auth.login({ login: SEED_ACCOUNT, password: '!system-account: no password signs in' }, {}),
      ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    } finally {
      await pools.closeAll();
    }

    // Stopped and started again with a larger count: the two missing ones, under a new name each.
    standIn.script(...answers('Spiderweb dip', 'Bloody punch'));
    const second = await seed({ count: '5', concurrency: '2' });
    expect(second.code).toBe(0);
    expect(second.out[0]).toBe(`Hollowtown seed for ${SEED_ACCOUNT}: 5/5 recipes, done.`);
    expect(second.out[1]).toMatch(/created +2 \(3 were there already\)/);
    const five = await recipesOf(SEED_ACCOUNT);
    expect(five).toHaveLength(5);
    expect(new Set(five.map((r) => r.recipe_name.toLowerCase())).size).toBe(5);

    // The prompts differ, and later ones ask the model not to reuse the names it already made.
    const prompts = chatRequests()
      .slice(-2)
      .map((r) => JSON.stringify(r.body));
    expect(prompts[0]).not.toBe(prompts[1]);
    expect(prompts.join('')).toContain('Graveyard dirt cups');

    // Nothing more to do when the account holds N already.
    const before = chatRequests().length;
    const third = await seed({ count: '4' });
    expect(third.code).toBe(0);
    expect(third.out).toEqual([
      `${SEED_ACCOUNT} (enterprise plan) holds 5 AI recipes already (asked for 4): nothing to do.`,
    ]);
    expect(chatRequests().length).toBe(before);
  });

  it('skips a generated recipe whose name the account has (also written differently) and asks for another', async () => {
    const existing = (await recipesOf(SEED_ACCOUNT)).map((r) => r.recipe_name);
    expect(existing).toContain('Mummy dogs');
    standIn.script(...answers('THE MUMMY DOGS!', 'Zombie fingers', 'zombie  fingers', 'Candy corn parfait'));
    const run = await seed({ count: String(existing.length + 2), concurrency: '1' });
    expect(run.code).toBe(0);
    expect(run.out.join('\n')).toMatch(/created +2 .*\n +skipped duplicates +2\n +failed +0/);
    expect(run.progress).toContain('skipped "THE MUMMY DOGS!": the name exists already');
    const names = (await recipesOf(SEED_ACCOUNT)).map((r) => r.recipe_name);
    expect(names).toEqual([...existing, 'Zombie fingers', 'Candy corn parfait']);
    // The model was told which name was taken.
    const retry = chatRequests().find((r) =>
      JSON.stringify(r.body).includes('There is already a recipe named \\"THE MUMMY DOGS!\\"'),
    );
    expect(retry).toBeDefined();
  });

  it('counts a recipe the model cannot get right as failed and still reaches N', async () => {
    const existing = (await recipesOf(SEED_ACCOUNT)).length;
    standIn.script('not json', 'still not json', '{"recipe_name": 1}', ...answers('Ghost meringues'));
    const run = await seed({ count: String(existing + 1), concurrency: '1' });
    expect(run.code).toBe(0);
    expect(run.out.join('\n')).toMatch(/failed +1 \(1 AI_ANSWER_INVALID\)/);
    expect(run.progress).toContain('[AI_ANSWER_INVALID]');
    expect((await recipesOf(SEED_ACCOUNT)).length).toBe(existing + 1);
  });

  it('stops on Ctrl-C with what is stored kept, and the same command continues without duplicates', async () => {
    const existing = (await recipesOf(SEED_ACCOUNT)).length;
    const target = existing + 4;
    standIn.setOptions({ latencyMs: 150 });
    standIn.script(...answers('Cauldron stew', 'Bat wing chili', 'Eyeball pasta', 'Coffin cake'));
    const controller = new AbortController();
    const stopped = await seed(
      { count: String(target), concurrency: '1' },
      {
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'created' && e.total === existing + 1) controller.abort();
        },
      },
    );
    standIn.setOptions({ latencyMs: 0 });
    expect(stopped.code).toBe(130);
    expect(stopped.out[0]).toContain('interrupted; run the same command again to continue');
    expect((await recipesOf(SEED_ACCOUNT)).length).toBe(existing + 1);

    // Whatever the interrupted request left in the script is used first; then fresh names.
    const resumed = await seed({ count: String(target), concurrency: '2' });
    expect(resumed.code).toBe(0);
    const names = (await recipesOf(SEED_ACCOUNT)).map((r) => r.recipe_name.toLowerCase());
    expect(names).toHaveLength(target);
    expect(new Set(names).size).toBe(target);
    expect(names).toEqual(expect.arrayContaining(['cauldron stew', 'coffin cake']));
  });

  it('seeds an existing user named with --user, privately, under that user’s own plan', async () => {
    const pools = await isolated.open(['identity']);
    try {
      const config = configWith();
      const identity = createIdentityServices({ config, databases: pools, logger: createLogger(config) });
      await identity.tokens.jwks(); // a signing key first, as the identity service makes sure at start
      await identity.auth.register(
        { username: 'pumpkin_fan', email: 'pumpkin@example.test', password: 'correct horse battery staple' },
        {},
      );
      // A person's account is never taken for a system account of the same name.
      await expect(
        ensureSystemAccount(identity.deps, { username: 'Pumpkin_Fan', displayName: 'x', plan: 'enterprise' }),
      ).rejects.toMatchObject({ code: 'USERNAME_TAKEN' });
    } finally {
      await pools.closeAll();
    }
    standIn.script(...answers('Pumpkin soup'));
    const run = await seed({ count: '1', user: 'pumpkin@example.test' });
    expect(run.code).toBe(0);
    expect(run.progress).toContain(
      'Seeding Hollowtown for pumpkin_fan (free plan): 1 more recipe to reach 1, 4 at a time, private.',
    );
    expect(await recipesOf('pumpkin_fan')).toEqual([
      { recipe_name: 'Pumpkin soup', is_published: false, source: 'ai' },
    ]);

    await expect(seed({ count: '1', user: 'nobody-here' })).rejects.toMatchObject({
      code: 'USER_NOT_FOUND',
      message: expect.stringContaining('No CALOS account "nobody-here"'),
    });
  });

  it('says clearly when no Ollama instance answers, or none has the model, naming OLLAMA_HOSTS', async () => {
    const before = (await recipesOf(SEED_ACCOUNT)).length;
    const unreachable = configWith({ OLLAMA_HOSTS: 'http://127.0.0.1:9' });
    await expect(seed({ count: String(before + 1) }, { config: unreachable })).rejects.toMatchObject({
      code: 'OLLAMA_UNREACHABLE',
      message: expect.stringMatching(
        /No Ollama instance answers at OLLAMA_HOSTS \(http:\/\/127\.0\.0\.1:9: .+\)/,
      ),
    });

    const other = await startOllamaStandIn({ models: ['mistral:7b'] });
    try {
      const withoutModel = configWith({ OLLAMA_HOSTS: other.url });
      await expect(seed({ count: String(before + 1) }, { config: withoutModel })).rejects.toMatchObject({
        code: 'MODEL_NOT_FOUND',
        message: expect.stringContaining(
          `No Ollama instance in OLLAMA_HOSTS has the model "llama3.2:latest" that CALOS_AI_DEFAULT_MODEL (the gateway default) names (${other.url} has mistral:7b)`,
        ),
      });
      expect(other.requests.filter((r) => r.path === '/api/chat')).toEqual([]);
    } finally {
      await other.close();
    }
    expect((await recipesOf(SEED_ACCOUNT)).length).toBe(before);
  });

  it('says which databases are not migrated', async () => {
    const empty = await isolatedDatabases(engine, { migrated: false });
    try {
      await expect(seed({ count: '1' }, { config: configWith({}, empty) })).rejects.toMatchObject({
        code: 'NOT_MIGRATED',
        message: expect.stringMatching(
          /identity has \d+ pending migrations \(run: calos migrate identity\); hollowtown has/,
        ),
      });
    } finally {
      await empty.cleanup();
    }
  });
});
