// Gateway errors as the official `ollama` and `openai` clients show them: each front door answers
// in its own dialect, so the client's error carries the real message, and the CALOS code stays
// readable (X-CALOS-Error-Code, `code`).
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe.each(testEngines())('gateway errors in each dialect on %s', (engine) => {
  let platform: TestPlatform;
  let ollamaServer: OllamaStandIn;
  let user: TestUser;

  beforeAll(async () => {
    ollamaServer = await startOllamaStandIn({ models: ['llama3.2:latest'], tokensPerReply: 3 });
    platform = await startTestPlatform(engine, {
      services: ['identity', 'ai'],
      env: { OLLAMA_HOSTS: ollamaServer.url },
    });
    user = await given(platform).user();
  });
  afterAll(async () => {
    await platform.close();
    await ollamaServer.close();
  });

  const ollamaAs = (token?: string) =>
    new Ollama({
      host: `${platform.url}/ai`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  const openaiAs = (token: string) =>
    new OpenAI({ apiKey: token, baseURL: `${platform.url}/ai/v1`, maxRetries: 0 });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (error: unknown) => error as Record<string, unknown> & Error,
    );

  it('shows the ollama client the message of a 401, an unknown model and a 429', async () => {
    const anonymous = await failure(
      ollamaAs().chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }], stream: false }),
    );
    expect(anonymous.status_code).toBe(401);
    expect(anonymous.message).toBe('Sign in first: send Authorization: Bearer <access token>');

    const badToken = await failure(ollamaAs('not-a-token').list());
    expect(badToken.status_code).toBe(401);
    expect(badToken.message).toBe('The access token is not valid');

    const unknown = await failure(
      ollamaAs(user.accessToken).chat({
        model: 'no-such-model',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      }),
    );
    expect(unknown.status_code).toBe(404);
    expect(unknown.message).toBe('No Ollama instance has the model "no-such-model:latest"');

    const limited = await given(platform).user();
    const client = ollamaAs(limited.accessToken);
    for (let i = 0; i < 10; i++) await client.generate({ model: 'llama3.2', prompt: `p${i}`, stream: false });
    const refused = await failure(client.generate({ model: 'llama3.2', prompt: 'eleven', stream: false }));
    expect(refused.status_code).toBe(429);
    expect(refused.message).toMatch(/limit/i);
    expect(refused.message).not.toContain('[object Object]');
  });

  it('keeps the CALOS code in a header and beside the text of an Ollama error', async () => {
    const response = await fetch(`${platform.url}/ai/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama3.2', messages: 'not a list' }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-calos-error-code')).toBe('VALIDATION_FAILED');
    expect(await response.json()).toEqual({ error: 'messages must be a list', code: 'VALIDATION_FAILED' });
  });

  it('shows the openai client the message, type and code of a 401, an unknown model and a 429', async () => {
    const badToken = await failure(openaiAs('not-a-token').models.list());
    expect(badToken).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(badToken.status).toBe(401);
    expect(badToken.message).toContain('The access token is not valid');
    expect(badToken.code).toBe('TOKEN_INVALID');
    expect(badToken.type).toBe('authentication_error');

    const unknown = await failure(
      openaiAs(user.accessToken).chat.completions.create({
        model: 'no-such-model',
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown.message).toContain('No Ollama instance has the model "no-such-model:latest"');
    expect(unknown.code).toBe('MODEL_NOT_FOUND');

    const invalid = await failure(
      openaiAs(user.accessToken).chat.completions.create({
        model: 'llama3.2',
        messages: [{ role: 'user', content: 'x' }],
        temperature: 7,
      }),
    );
    expect(invalid).toBeInstanceOf(OpenAI.BadRequestError);
    expect(invalid.param).toBe('temperature');
    expect(invalid.type).toBe('invalid_request_error');

    const limited = await given(platform).user();
    const client = openaiAs(limited.accessToken);
    for (let i = 0; i < 10; i++)
      await client.chat.completions.create({
        model: 'llama3.2',
        messages: [{ role: 'user', content: `${i}` }],
      });
    const refused = await failure(
      client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'eleven' }] }),
    );
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refused.message).toMatch(/limit/i);
    expect(refused.code).toBe('AI_RATE_LIMITED');
    expect((refused as unknown as { headers: Headers }).headers.get('x-calos-error-code')).toBe(
      'AI_RATE_LIMITED',
    );
  });

  it('refuses a provider model without a key under X-CALOS-Fallback: off, naming the reason', async () => {
    const strict = new OpenAI({
      apiKey: user.accessToken,
      baseURL: `${platform.url}/ai/v1`,
      maxRetries: 0,
      defaultHeaders: { 'x-calos-fallback': 'off' },
    });
    const refused = await failure(
      strict.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(refused.status).toBe(402);
    expect(refused.code).toBe('PROVIDER_KEY_REQUIRED');
    expect(refused.message).toContain('gpt-4o needs your own OpenAI key');

    const ollamaStrict = new Ollama({
      host: `${platform.url}/ai`,
      headers: { authorization: `Bearer ${user.accessToken}`, 'x-calos-fallback': 'off' },
    });
    const refusedOllama = await failure(
      ollamaStrict.chat({
        model: 'claude-sonnet-4-5',
        messages: [{ role: 'user', content: 'x' }],
        stream: false,
      }),
    );
    expect(refusedOllama.status_code).toBe(402);
    expect(refusedOllama.message).toContain('needs your own Anthropic key');

    // Without the header the fallback model still answers, and says so.
    const answered = await ollamaAs(user.accessToken).chat({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'x' }],
      stream: false,
    });
    expect(answered.model).toBe('llama3.2:latest');
  });

  it('retrieves one model with the openai client, and 404s an unknown one', async () => {
    const model = await openaiAs(user.accessToken).models.retrieve('llama3.2:latest');
    expect(model).toMatchObject({ id: 'llama3.2:latest', object: 'model', owned_by: 'ollama' });
    const missing = await failure(openaiAs(user.accessToken).models.retrieve('nope'));
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing.code).toBe('MODEL_NOT_FOUND');
  });

  it('keeps the CALOS error shape on the account routes', async () => {
    const response = await fetch(`${platform.url}/ai/api/usage`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
  });
});
