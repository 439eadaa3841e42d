import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedDatabases, isolatedDatabases } from '../../../test/support/databases.ts';
import { testEngines } from '../../../test/support/engines.ts';
import type { Database } from '../../platform/db/database.ts';
import { AI_USAGE_BATCH_LIMIT, type AiUsageRecord } from '../client.ts';
import { insertAiUsageRows, listAiUsage } from './ai.ts';

const row = (userId: string, model: string): AiUsageRecord => ({
  userId,
  app: 'bench',
  endpoint: '/v1/chat/completions',
  model,
  provider: 'ollama',
  instance: 'http://127.0.0.1:11434',
  byok: false,
  promptTokens: 5,
  completionTokens: 8,
  cachedTokens: 0,
  credits: 0,
  latencyMs: 1.6,
  outcome: 'ok',
  errorCode: null,
});

describe.each(testEngines())("identity's usage log in batches on %s", (engine) => {
  let isolated: IsolatedDatabases;
  let db: Database;

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine, { names: ['identity'] });
    db = (await isolated.open(['identity'])).get('identity');
  });
  afterAll(() => isolated.cleanup());

  it('writes many rows in one statement, skipping accounts that are gone', async () => {
    const { rows } = await db.query<{ user_id: string }>(
      "INSERT INTO users (username, email, password_hash) VALUES ('batcher', 'batcher@example.test', 'x') RETURNING user_id",
    );
    const userId = rows[0]?.user_id as string;
    await insertAiUsageRows(db, [
      row(userId, 'llama3.2:latest'),
      row('00000000-0000-4000-8000-000000000000', 'gone'),
      row(userId, 'mistral:7b'),
    ]);
    const logged = await listAiUsage(db, userId, 10);
    expect(logged.map((r) => [r.model, r.latency_ms, r.instance])).toEqual([
      ['mistral:7b', 2, 'http://127.0.0.1:11434'],
      ['llama3.2:latest', 2, 'http://127.0.0.1:11434'],
    ]);
    const all = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ai_usage_log');
    expect(all.rows[0]?.n).toBe(2);
  });

  it(`refuses more than ${AI_USAGE_BATCH_LIMIT} rows at once and writes nothing`, async () => {
    const many = Array.from({ length: AI_USAGE_BATCH_LIMIT + 1 }, () => row('x', 'm'));
    await expect(insertAiUsageRows(db, many)).rejects.toThrow(RangeError);
  });
});
