// End to end: the platform started the way the README says (`npm start` runs `calos start`),
// on the embedded default and on PostgreSQL, answering until SIGTERM and leaving no lock.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_NAMES } from '../src/platform/databases.ts';
import { dropDatabases } from './support/databases.ts';
import { postgresUrlFor, testEngines, uniqueSuffix } from './support/engines.ts';
import { scratchDir } from './support/scratch.ts';

interface Started {
  child: ChildProcess;
  base: string;
  output: () => string;
}

async function startCalos(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [path.resolve('bin/calos.mjs'), 'start'], {
    env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const match = /CALOS is ready on (http:\/\/\S+)/.exec(output);
    if (match?.[1]) return { child, base: match[1], output: () => output };
    if (child.exitCode !== null) throw new Error(`calos start exited ${child.exitCode}:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`calos start did not get ready:\n${output}`);
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

// A start on a loaded machine can take most of a minute (initdb and every migration on PGlite).
describe.each(testEngines())('npm start on %s', { timeout: 150_000 }, (engine) => {
  const dataDir = scratchDir('calos-start-');
  const suffix = uniqueSuffix();
  const databases = DATABASE_NAMES.map((name) => `calos_start_${suffix}_${name}`);
  const env: Record<string, string> = { CALOS_DATA_DIR: dataDir };
  if (engine === 'postgres') {
    // Per-database URLs naming databases that do not exist yet: start-up creates them.
    DATABASE_NAMES.forEach((name, i) => {
      env[`${name.toUpperCase()}_DATABASE_URL`] = postgresUrlFor(databases[i] as string);
    });
  }

  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    if (engine === 'postgres') await dropDatabases(databases);
  });

  it('creates and migrates the databases, serves every service and stops cleanly on SIGTERM', async () => {
    const { child, base, output } = await startCalos(env);
    try {
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as { databases: { database: string; migrated: boolean }[] };
      expect(body.databases.map((d) => [d.database, d.migrated])).toEqual(
        DATABASE_NAMES.map((n) => [n, true]),
      );

      for (const prefix of ['/calos', '/hollowtown', '/recipes', '/family', '/ai']) {
        const document = await fetch(`${base}${prefix}/openapi.json`);
        expect(document.status).toBe(200);
        expect(output()).toContain(`${base}${prefix}/docs`);
      }
      const unknown = await fetch(`${base}/hollowtown/api/unknown`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
    } finally {
      expect(await stop(child)).toBe(0);
    }
    expect(existsSync(path.join(dataDir, 'calos.lock'))).toBe(false);
  });

  it('starts again on the same data, and stops at once on SIGTERM with live lists open: streams end first, exit 0', async () => {
    const { child, base, output } = await startCalos(env);
    const streams: AbortController[] = [];
    try {
      // The second start finds every database migrated and the starter pack loaded.
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect(output()).not.toContain('Starter pack loaded');
      const json = async (path: string, body: unknown, token?: string) => {
        const response = await fetch(`${base}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
        });
        expect(response.status, await response.clone().text()).toBeLessThan(300);
        return (await response.json()) as Record<string, string>;
      };
      const name = `stop${uniqueSuffix()}`.slice(0, 24);
      const { access_token: token } = await json('/calos/api/auth/register', {
        username: name,
        email: `${name}@example.test`,
        password: 'correct horse battery staple',
      });
      const family = await json('/family/api/families', { family_name: 'Stoppers' }, token);
      const list = await json(
        '/family/api/shopping-lists',
        { family_id: family.family_id, list_name: 'x' },
        token,
      );
      const ended: Promise<void>[] = [];
      for (let i = 0; i < 3; i++) {
        const controller = new AbortController();
        streams.push(controller);
        const response = await fetch(`${base}/family/api/shopping-lists/${list.list_id}/stream`, {
          headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
          signal: controller.signal,
        });
        expect(response.status).toBe(200);
        ended.push(response.text().then(() => undefined));
      }
      const started = performance.now();
      expect(await stop(child)).toBe(0);
      // What the test measures is that nothing waited out the 10 s shutdown deadline.
      expect(output()).not.toContain('shutdown took too long');
      await Promise.all(ended);
      console.info(
        `[start] SIGTERM with 3 open streams: exited in ${Math.round(performance.now() - started)} ms`,
      );
    } finally {
      for (const controller of streams) controller.abort();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('npm start with a wrong setting', () => {
  it('stops before serving with a message naming the variable', async () => {
    const child = spawn(process.execPath, [path.resolve('bin/calos.mjs'), 'start'], {
      env: { ...process.env, PORT: 'eighty', REDIS_URL: 'localhost' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('PORT must be a whole number');
    expect(stderr).toContain('REDIS_URL must be a redis://');
  });
});
