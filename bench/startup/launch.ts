// One launch of `node bin/calos.mjs start` (what `npm start` runs) on the embedded engine:
// time to the first 200 from /readyz, then SIGTERM, and checks of a clean exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DATABASE_NAMES, DATABASE_URL_VARIABLE } from '../../src/platform/databases.ts';
import { LOCK_FILE } from '../../src/platform/db/data-dir-lock.ts';
import { freePort } from '../support/free-port.ts';

export interface LaunchOptions {
  repoRoot: string;
  dataDir: string;
  timeoutMs: number;
  pollMs: number;
}

export interface LaunchTimings {
  /** From spawn to the first HTTP 200 of GET /readyz. */
  readyMs: number;
  /** What the CLI prints as "ready … in N ms": startPlatform only, without Node and module loading. */
  reportedMs: number | undefined;
  /** From SIGTERM to process exit. */
  stopMs: number;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const STOP_TIMEOUT_MS = 20_000;
const REPORTED = /ready on \S+ in (\d+) ms/;

export async function launchUntilReady(options: LaunchOptions): Promise<LaunchTimings> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    CALOS_DATA_DIR: options.dataDir,
    // Empty rather than unset, so that a .env file cannot switch the run to PostgreSQL.
    CALOS_POSTGRES_URL: '',
    ...Object.fromEntries(DATABASE_NAMES.map((name) => [DATABASE_URL_VARIABLE[name], ''])),
  };
  const started = performance.now();
  const child = spawn(process.execPath, [path.join('bin', 'calos.mjs'), 'start'], {
    cwd: options.repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  exited.catch(() => undefined);

  try {
    const readyMs = await pollReady(`http://127.0.0.1:${port}/readyz`, started, options, () => {
      if (exit) throw new Error(`calos start exited early (${describeExit(exit)})${output.tail()}`);
    });

    const stopping = performance.now();
    child.kill('SIGTERM');
    const result = await withTimeout(
      exited,
      STOP_TIMEOUT_MS,
      () =>
        new Error(`calos start did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM${output.tail()}`),
    );
    const stopMs = performance.now() - stopping;
    if (result.code !== 0)
      throw new Error(`calos start ${describeExit(result)} after SIGTERM${output.tail()}`);
    if (existsSync(path.join(options.dataDir, LOCK_FILE)))
      throw new Error(`${LOCK_FILE} is still in ${options.dataDir} after a clean exit`);

    const reported = REPORTED.exec(output.stdout())?.[1];
    return { readyMs, reportedMs: reported === undefined ? undefined : Number(reported), stopMs };
  } finally {
    if (!exit) {
      child.kill('SIGKILL');
      await exited.catch(() => undefined);
    }
  }
}

async function pollReady(
  url: string,
  started: number,
  options: LaunchOptions,
  assertRunning: () => void,
): Promise<number> {
  let last = 'no answer yet';
  while (performance.now() - started < options.timeoutMs) {
    assertRunning();
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(options.pollMs * 40) });
      const at = performance.now();
      await response.arrayBuffer();
      if (response.status === 200) return at - started;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = describeFetchError(error);
    }
    await sleep(options.pollMs);
  }
  throw new Error(
    `calos start did not answer 200 on ${url} within ${options.timeoutMs / 1000} s (last: ${last})`,
  );
}

function captureOutput(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return {
    stdout: () => stdout,
    tail: () => {
      const text = stderr.trim() || stdout.trim();
      return text ? `; its output ends with:\n${text.slice(-2000)}` : '';
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, failure: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(failure()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const describeExit = (exit: Exit) =>
  exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}
