// The AI client of an app served in another process: the same answers over the gateway's HTTP
// API, streamed piece by piece when asked, with the gateway's errors as AppErrors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OllamaStandIn, startOllamaStandIn } from '../../test/stand-ins/ollama.ts';
import { testEngines } from '../../test/support/engines.ts';
import { given } from '../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../test/support/platform.ts';
import { isAppError } from '../platform/errors.ts';
import { createAiHttpClient } from './http-client.ts';

describe.each(testEngines())('the AI client over HTTP on %s', (engine) => {
  let standIn: OllamaStandIn;
  let platform: TestPlatform;

  beforeAll(async () => {
    standIn = await startOllamaStandIn({ models: ['llama3.2:latest'] });
    platform = await startTestPlatform(engine, {
      services: ['identity', 'ai'],
      env: { OLLAMA_HOSTS: standIn.url, OLLAMA_HEALTH_INTERVAL_MS: '200' },
    });
  });
  afterAll(async () => {
    await platform?.close();
    await standIn?.close();
  });

  const tokenOf = (headers: { authorization: string }) => headers.authorization.replace(/^Bearer /, '');

  it('answers a chat whole, and streamed piece by piece with the same text', async () => {
    const user = await given(platform).user();
    const client = createAiHttpClient(platform.url);
    const request = {
      userId: user.userId,
      plan: 'free',
      app: 'hollowtown' as const,
      messages: [{ role: 'user' as const, content: 'Say boo' }],
      accessToken: tokenOf(user.headers),
    };
    standIn.script('Boo from the crypt, friend');
    const whole = await client.chat(request);
    expect(whole).toMatchObject({ text: 'Boo from the crypt, friend', provider: 'ollama', fellBack: false });
    expect(whole.model).toContain('llama3.2');

    standIn.script('Boo from the crypt, friend');
    const pieces: string[] = [];
    const streamed = await client.chat({ ...request, onText: (delta) => pieces.push(delta) });
    expect(streamed.text).toBe('Boo from the crypt, friend');
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(streamed.text);
    expect(streamed.usage.completionTokens).toBeGreaterThan(0);
  });

  it("turns the gateway's refusals into AppErrors with its code and status", async () => {
    const client = createAiHttpClient(platform.url);
    const call = client.chat({
      userId: 'someone',
      plan: 'free',
      app: 'hollowtown',
      messages: [{ role: 'user', content: 'hi' }],
      accessToken: 'not-a-token',
      onText: () => undefined,
    });
    const error = await call.catch((e: unknown) => e);
    expect(isAppError(error)).toBe(true);
    expect(error).toMatchObject({ status: 401 });
  });
});
