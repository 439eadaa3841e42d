// Identity's client over HTTP (a service in another process) answers what the client in process
// answers: an optional argument left out stays absent through the RPC door, on both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../test/support/engines.ts';
import { given } from '../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../test/support/platform.ts';
import type { AiUsageRecord, IdentityClient } from './client.ts';
import { createIdentityHttpClient } from './http-client.ts';

const SERVICE_TOKEN = 'a-service-token-for-the-identity-client-tests-0123';

describe.each(testEngines())('identity’s client in process and over HTTP on %s', (engine) => {
  let platform: TestPlatform;
  let inProcess: IdentityClient;
  let http: IdentityClient;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, {
      services: ['identity'],
      env: { CALOS_SERVICE_TOKEN: SERVICE_TOKEN },
    });
    inProcess = platform.clients.get<IdentityClient>('identity');
    http = createIdentityHttpClient(platform.url, SERVICE_TOKEN);
  });
  afterAll(() => platform.close());

  const usage = (userId: string, model: string): AiUsageRecord => ({
    userId,
    app: 'hollowtown',
    endpoint: '/api/chat',
    model,
    provider: 'ollama',
    instance: null,
    byok: false,
    promptTokens: 3,
    completionTokens: 5,
    cachedTokens: 0,
    credits: 0,
    latencyMs: 12,
    outcome: 'ok',
    errorCode: null,
  });

  it('pages the usage log from the newest when `before` is left out, either way', async () => {
    const { userId } = await given(platform).user();
    for (const model of ['first', 'second', 'third']) await inProcess.ai.recordUsage(usage(userId, model));
    // As the gateway calls it: `before` is the cursor's id, undefined on the first page.
    const page = (client: IdentityClient, cursor?: { id: number }) => client.ai.usage(userId, 2, cursor?.id);
    const first = await page(inProcess);
    expect(first.map((row) => row.model)).toEqual(['third', 'second']);
    expect(await page(http)).toEqual(first);
    expect(await http.ai.usage(userId, 2)).toEqual(first);
    const cursor = { id: first.at(-1)?.usage_id ?? 0 };
    const rest = await page(inProcess, cursor);
    expect(rest.map((row) => row.model)).toEqual(['first']);
    expect(await page(http, cursor)).toEqual(rest);
  });

  it('answers null where the contract says null, either way', async () => {
    const { userId } = await given(platform).user();
    expect(await inProcess.ai.storedResponse(userId, 'resp_none')).toBeNull();
    expect(await http.ai.storedResponse(userId, 'resp_none')).toBeNull();
  });
});
