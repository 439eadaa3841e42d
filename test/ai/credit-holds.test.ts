// A metered call never gets more than it paid for: 200 concurrent calls of a priced model on a
// small balance (whole and streamed, on both fronts, some clients leaving mid-stream), in one
// process and across two gateway processes sharing identity. Every call that ran is charged
// exactly its priced usage, a call that cannot hold its worst case is refused with 402 before
// it reaches the model, the balance never goes below zero and the ledger sums to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../../src/main.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Engine } from '../../src/platform/db/database.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import { type IsolatedDatabases, isolatedDatabases } from '../support/databases.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import type { TestPlatform } from '../support/platform.ts';

const SERVICE_TOKEN = 'a-service-token-that-is-long-enough-0123456789';
/** 0.1 credit per prompt token, 1 per generated token; at most 20 generated tokens per answer. */
const PRICES = { 'priced:latest': { prompt: 100, completion: 1000, maxOutputTokens: 20 } };
const priced = (promptTokens: number, completionTokens: number) =>
  Math.ceil((promptTokens * 100 + completionTokens * 1000) / 1000);
const BALANCE = 600;
const CALLS = 200;

type Kind = 'openai-whole' | 'openai-stream' | 'ollama-stream' | 'ollama-generate' | 'ollama-leaves';
const KINDS: Kind[] = ['openai-whole', 'openai-stream', 'ollama-stream', 'ollama-generate', 'ollama-leaves'];

interface Outcome {
  kind: Kind;
  status: number;
  code?: string;
  /** Priced from the usage the client was told (undefined for a client that left). */
  cost?: number;
  completionTokens?: number;
}

describe.each(
  testEngines().flatMap((engine) =>
    (['one process', 'two gateway processes'] as const).map((topology) => ({ engine, topology })),
  ),
)('credit holds of metered calls on $engine, $topology', ({ engine, topology }) => {
  let isolated: IsolatedDatabases;
  let ollama: OllamaStandIn;
  let identity: RunningPlatform;
  const gateways: RunningPlatform[] = [];

  const serve = async (env: Record<string, string>, services: ('identity' | 'ai')[]) => {
    const config = {
      ...loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        CALOS_DATA_DIR: isolated.dataDir,
        CALOS_SERVICE_TOKEN: SERVICE_TOKEN,
        OLLAMA_HOSTS: ollama.url,
        OLLAMA_MAX_CONCURRENCY: '64',
        // Probed at start only, and never cooled down: on a loaded machine a slow probe would
        // otherwise take the only instance out for a while (then calls get 503 instead).
        OLLAMA_HEALTH_INTERVAL_MS: '3600000',
        OLLAMA_COOLDOWN_MS: '0',
        CALOS_AI_PRICES: JSON.stringify(PRICES),
        ...env,
      }),
      databases: isolated.targets,
    };
    return startPlatform({ config, logger: createLogger(config), services });
  };

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine as Engine);
    // 12 words an answer, one every 10 ms: streams are open long enough to overlap and to leave.
    ollama = await startOllamaStandIn({ models: ['priced:latest'], tokensPerReply: 12, chunkDelayMs: 10 });
    if (topology === 'one process') {
      identity = await serve({}, ['identity', 'ai']);
      gateways.push(identity);
    } else {
      identity = await serve({}, ['identity']);
      for (let i = 0; i < 2; i++) gateways.push(await serve({ CALOS_IDENTITY_URL: identity.url }, ['ai']));
    }
  });
  afterAll(async () => {
    for (const gateway of gateways) if (gateway !== identity) await gateway.stop();
    await identity?.stop();
    await ollama?.close();
    await isolated?.cleanup();
  });

  const identityDb = () => identity.databases.get('identity');

  /** An enterprise user (600 calls a minute: limits stay out of the way) with BALANCE credits. */
  async function userWithSmallBalance(): Promise<TestUser> {
    const user = await given(identity as unknown as TestPlatform).user({ plan: 'enterprise' });
    await identityDb().transaction(async (tx) => {
      const { rows } = await tx.query<{ balance: number }>(
        'SELECT balance FROM credits_balance WHERE user_id = $1 FOR UPDATE',
        [user.userId],
      );
      const change = BALANCE - (rows[0]?.balance ?? 0);
      await tx.query('UPDATE credits_balance SET balance = $2 WHERE user_id = $1', [user.userId, BALANCE]);
      await tx.query(
        "INSERT INTO credit_ledger (user_id, amount, kind, reason, balance_after) VALUES ($1, $2, 'admin_grant', 'test: a small balance', $3)",
        [user.userId, change, BALANCE],
      );
    });
    return user;
  }

  async function call(user: TestUser, i: number): Promise<Outcome> {
    const kind = KINDS[i % KINDS.length] as Kind;
    const base = (gateways[i % gateways.length] as RunningPlatform).url;
    const content = `call${i} ${'word '.repeat((i % 7) + 1)}`.trim();
    const headers = { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' };
    const post = (path: string, body: unknown, signal?: AbortSignal) =>
      fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal });
    const refused = async (response: Response): Promise<Outcome> => {
      await response.arrayBuffer();
      // Each door answers in its own dialect; the CALOS code is in this header for both.
      return { kind, status: response.status, code: response.headers.get('x-calos-error-code') ?? undefined };
    };

    if (kind === 'openai-whole' || kind === 'openai-stream') {
      const stream = kind === 'openai-stream';
      const response = await post('/ai/v1/chat/completions', {
        model: 'priced',
        messages: [{ role: 'user', content }],
        ...(stream ? { stream, stream_options: { include_usage: true } } : { max_tokens: 6 }),
      });
      if (response.status !== 200) return refused(response);
      let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
      if (stream) {
        for (const line of (await response.text()).split('\n')) {
          if (!line.startsWith('data: {')) continue;
          const chunk = JSON.parse(line.slice(6)) as { usage?: typeof usage };
          if (chunk.usage) usage = chunk.usage;
        }
      } else usage = ((await response.json()) as { usage: typeof usage }).usage;
      if (!usage) throw new Error(`call ${i} (${kind}) ended without usage`);
      return {
        kind,
        status: 200,
        cost: priced(usage.prompt_tokens, usage.completion_tokens),
        completionTokens: usage.completion_tokens,
      };
    }

    const leaves = kind === 'ollama-leaves';
    const controller = new AbortController();
    const response = await post(
      kind === 'ollama-generate' ? '/ai/api/generate' : '/ai/api/chat',
      kind === 'ollama-generate'
        ? { model: 'priced', prompt: content, stream: false }
        : {
            model: 'priced',
            messages: [{ role: 'user', content }],
            ...(leaves ? {} : { options: { num_predict: 8 } }),
          },
      controller.signal,
    );
    if (response.status !== 200) return refused(response);
    if (kind === 'ollama-generate') {
      const body = (await response.json()) as { prompt_eval_count: number; eval_count: number };
      return {
        kind,
        status: 200,
        cost: priced(body.prompt_eval_count, body.eval_count),
        completionTokens: body.eval_count,
      };
    }
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (leaves && text.includes('\n')) {
        // The client leaves after the first piece of the answer.
        controller.abort();
        await reader.cancel().catch(() => undefined);
        return { kind, status: 200 };
      }
    }
    const last = JSON.parse(text.trim().split('\n').at(-1) as string) as {
      prompt_eval_count: number;
      eval_count: number;
    };
    return {
      kind,
      status: 200,
      cost: priced(last.prompt_eval_count, last.eval_count),
      completionTokens: last.eval_count,
    };
  }

  it('charges exactly the priced usage of the calls that ran, refuses the rest with 402 before the model, never overdraws', async () => {
    const user = await userWithSmallBalance();
    const inference = () =>
      ollama.requests.filter((r) => r.path === '/api/chat' || r.path === '/api/generate');
    const chatsBefore = inference().length;
    // All 200 in flight together, arriving over about a second, so that holds are taken while
    // earlier calls still stream and settle.
    const outcomes = await Promise.all(
      Array.from({ length: CALLS }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, (i * 5) % 1000));
        return call(user, i);
      }),
    );

    const ran = outcomes.filter((o) => o.status === 200);
    const refusals = outcomes.filter((o) => o.status === 402);
    expect(refusals.every((o) => o.code === 'INSUFFICIENT_CREDITS')).toBe(true);
    // Nothing else refuses a call here, except the pool on a badly overloaded machine; such a
    // call reached no model either, and its hold must come back whole (checked below).
    expect(
      outcomes.filter((o) => o.status !== 200 && o.status !== 402 && o.code !== 'OLLAMA_UNREACHABLE'),
    ).toEqual([]);
    // The balance is small: some calls ran, some could not hold their worst case.
    expect(ran.length).toBeGreaterThan(10);
    expect(refusals.length).toBeGreaterThan(10);
    for (const kind of KINDS) expect(ran.some((o) => o.kind === kind)).toBe(true);
    // A refused call never reached the model: the stand-in saw exactly the calls that ran.
    expect(inference().length - chatsBefore).toBe(ran.length);
    // Every call went out with the output limit its hold covers.
    const sent = inference()
      .slice(chatsBefore)
      .map((r) => r.body as { options?: { num_predict?: number } });
    expect(sent.every((b) => typeof b.options?.num_predict === 'number' && b.options.num_predict <= 20)).toBe(
      true,
    );
    expect(ran.filter((o) => o.kind === 'openai-whole').every((o) => (o.completionTokens ?? 0) <= 6)).toBe(
      true,
    );

    // Wait until every call, the ones whose clients left included, has settled and is logged.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { rows } = await identityDb().query<{ held: number; logged: number }>(
        `SELECT (SELECT count(*)::int FROM credit_reservations WHERE user_id = $1 AND status = 'held') AS held,
                (SELECT count(*)::int FROM ai_usage_log WHERE user_id = $1) AS logged`,
        [user.userId],
      );
      if (rows[0]?.held === 0 && rows[0]?.logged === CALLS) break;
      if (Date.now() > deadline) throw new Error(`calls still open or unlogged: ${JSON.stringify(rows[0])}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const { rows: log } = await identityDb().query<{
      outcome: string;
      prompt_tokens: number;
      completion_tokens: number;
      credits: number;
    }>('SELECT outcome, prompt_tokens, completion_tokens, credits FROM ai_usage_log WHERE user_id = $1', [
      user.userId,
    ]);
    const left = log.filter((row) => row.outcome === 'aborted');
    expect(left.length).toBe(ran.filter((o) => o.kind === 'ollama-leaves').length);
    expect(log.filter((row) => row.outcome === 'no_credits').length).toBe(refusals.length);
    // A call whose client left is charged what it used until then, priced like any other.
    for (const row of left) expect(row.credits).toBe(priced(row.prompt_tokens, row.completion_tokens));
    const expected =
      ran.reduce((sum, o) => sum + (o.cost ?? 0), 0) + left.reduce((sum, row) => sum + row.credits, 0);
    expect(expected).toBeGreaterThan(0);

    const { rows: balances } = await identityDb().query<{ balance: number; lifetime_spent: number }>(
      'SELECT balance, lifetime_spent FROM credits_balance WHERE user_id = $1',
      [user.userId],
    );
    const balance = balances[0]?.balance as number;
    expect(BALANCE - balance).toBe(expected);
    expect(balance).toBeGreaterThanOrEqual(0);
    // Nothing was forgiven: no settle asked for more than its hold.
    const { rows: holds } = await identityDb().query<{ shortfall: number; spent: number }>(
      `SELECT coalesce(sum(shortfall), 0)::int AS shortfall, coalesce(sum(spent), 0)::int AS spent
       FROM credit_reservations WHERE user_id = $1`,
      [user.userId],
    );
    expect(holds[0]).toEqual({ shortfall: 0, spent: expected });

    // The ledger, in the order it was written, sums to each balance it records and to the
    // balance now, and never went below zero on the way.
    const { rows: entries } = await identityDb().query<{ amount: number; balance_after: number }>(
      'SELECT amount, balance_after FROM credit_ledger WHERE user_id = $1 ORDER BY entry_id',
      [user.userId],
    );
    let running = 0;
    for (const entry of entries) {
      running += entry.amount;
      expect(entry.balance_after).toBe(running);
      expect(running).toBeGreaterThanOrEqual(0);
    }
    expect(running).toBe(balance);
  });
});
