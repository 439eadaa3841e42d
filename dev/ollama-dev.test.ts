// Trying AI without a GPU: with nothing at OLLAMA_HOSTS the platform says so (at start, and in
// a 503 that names the cause), and `npm run ollama:dev` gives the apps recipes they accept.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneEngine } from '../test/support/engines.ts';
import { given, type TestUser } from '../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../test/support/platform.ts';
import { fitToSchema, writeReply } from './recipe-replies.ts';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `npm run ollama:dev -- --port 0 --word-ms 0`, as a user starts it; resolves with the URL it prints. */
async function startDevOllama(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'dev/ollama-dev.ts', '--port', '0', '--word-ms', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (found?.[1]) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`ollama:dev exited with ${code}: ${out}`)));
  });
  return { url, child };
}

describe('the development stand-in’s answers', () => {
  it('fits a value to a schema: required keys filled, extras dropped, numbers and lists in bounds', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 3, maxLength: 5 },
        level: { type: 'integer', minimum: 1, maximum: 10 },
        kind: { enum: ['a', 'b'] },
        note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        steps: { type: 'array', minItems: 2, items: { type: 'string', minLength: 1 } },
      },
      required: ['name', 'level', 'kind', 'note', 'steps'],
    };
    expect(
      fitToSchema({ name: 'abcdefgh', level: 42, kind: 'z', extra: 1, note: null, steps: ['x'] }, schema),
    ).toEqual({ name: 'abcde', level: 10, kind: 'a', note: null, steps: ['x', 'sample steps'] });
  });

  it('says what it is when asked to chat', () => {
    expect(writeReply({ kind: 'chat', format: undefined, prompt: 'hello' })).toContain(
      'development stand-in',
    );
  });
});

describe.each(oneEngine())('AI without an AI server, and with the development stand-in, on %s', (engine) => {
  let platform: TestPlatform;
  let cook: TestUser;
  let dev: { url: string; child: ChildProcess } | undefined;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, {
      services: ['identity', 'hollowtown', 'recipes', 'ai'],
      env: { OLLAMA_HOSTS: `http://127.0.0.1:${await closedPort()}`, OLLAMA_HEALTH_INTERVAL_MS: '200' },
    });
    cook = await given(platform).user();
  });
  afterAll(async () => {
    dev?.child.kill('SIGTERM');
    await platform?.close();
  });

  it('names OLLAMA_HOSTS at start and answers 503 OLLAMA_UNREACHABLE, not a wait that never ends', async () => {
    expect(platform.notices().join(' ')).toMatch(
      /No Ollama server answers at OLLAMA_HOSTS.*npm run ollama:dev/,
    );
    const answer = await platform.app.inject({
      method: 'POST',
      url: '/hollowtown/api/recipes/generate',
      headers: cook.headers,
      payload: { theme: 'bats' },
    });
    expect(answer.statusCode).toBe(503);
    expect(answer.json().error.code).toBe('OLLAMA_UNREACHABLE');
    expect(answer.json().error.message).toContain('OLLAMA_HOSTS');
  });

  it('generates recipes each app accepts once `npm run ollama:dev` answers', async () => {
    dev = await startDevOllama();
    const tags = await fetch(`${dev.url}/api/tags`);
    expect(((await tags.json()) as { models: { name: string }[] }).models.map((m) => m.name)).toContain(
      'llama3.2:latest',
    );
    // Point a second platform's gateway at it (the first one's address is fixed at start).
    const withAi = await startTestPlatform(engine, {
      services: ['identity', 'hollowtown', 'recipes', 'ai'],
      env: { OLLAMA_HOSTS: dev.url, OLLAMA_HEALTH_INTERVAL_MS: '200' },
    });
    try {
      expect(withAi.notices()).toEqual([]);
      const user = await given(withAi).user();
      const names = new Set<string>();
      for (const theme of ['a haunted pumpkin patch', 'a haunted pumpkin patch']) {
        const spooky = await withAi.app.inject({
          method: 'POST',
          url: '/hollowtown/api/recipes/generate',
          headers: user.headers,
          payload: { theme },
        });
        expect(spooky.statusCode, spooky.body).toBe(201);
        expect(spooky.json().ingredients.length).toBeGreaterThan(2);
        names.add(spooky.json().recipe_name);
      }
      expect(names.size).toBe(2);
      const everyday = await withAi.app.inject({
        method: 'POST',
        url: '/recipes/api/recipes/generate',
        headers: user.headers,
        payload: { theme: 'a quick weeknight dinner' },
      });
      expect(everyday.statusCode, everyday.body).toBe(201);
      expect(everyday.json().instructions.length).toBeGreaterThan(1);
    } finally {
      await withAi.close();
    }
  });
});
