// `calos … | head -1`: the real binary, its stdout piped into a reader that goes away after the
// first line. The command ends quietly (exit 0, no EPIPE stack trace), run on its own and
// forwarded to a running server that holds the embedded databases.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvFor } from '../../test/support/cli.ts';
import { startTestPlatform, type TestPlatform } from '../../test/support/platform.ts';
import { DATABASE_NAMES } from '../platform/databases.ts';

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  firstLine: string;
  stderr: string;
}

/** Runs `calos args`, reading its stdout up to the first line and then closing the pipe. */
function calosIntoHead(args: string[], env: NodeJS.ProcessEnv): Promise<Ended> {
  const child = spawn(process.execPath, ['bin/calos.mjs', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let seen = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    seen += chunk;
    if (seen.includes('\n')) child.stdout.destroy();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, firstLine: seen.split('\n')[0] ?? '', stderr }),
    );
  });
}

const expectQuietEnd = (ended: Ended) => {
  expect(ended.stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
  expect([0, 141]).toContain(ended.code);
  expect(ended.signal).toBeNull();
};

describe('calos with its output piped into a reader that stops after one line', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'calos-head-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('ends quietly when it runs the command itself', async () => {
    const env = {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'silent',
      CALOS_DATA_DIR: dataDir,
      CALOS_POSTGRES_URL: '',
      ...Object.fromEntries(DATABASE_NAMES.map((name) => [`${name.toUpperCase()}_DATABASE_URL`, ''])),
    };
    // One line per database, each after opening it: the reader is long gone by the second.
    const ended = await calosIntoHead(['migrate', 'status'], env);
    expect(ended.firstLine).toMatch(/^identity \(embedded: /);
    expectQuietEnd(ended);
  }, 120_000);

  describe('forwarded to the server that holds the embedded databases', () => {
    let platform: TestPlatform;
    beforeAll(async () => {
      platform = await startTestPlatform('pglite', { services: ['identity'] });
    }, 120_000);
    afterAll(() => platform?.close());

    it('ends quietly, and the server keeps serving', async () => {
      const ended = await calosIntoHead(['plans', 'list'], cliEnvFor(platform.isolated));
      expect(ended.stderr).toContain('the embedded databases are open in the running server');
      expect(ended.firstLine).toMatch(/^free\s/);
      expectQuietEnd(ended);
      const health = await platform.app.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
    }, 120_000);
  });
});
