import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from './data-dir-lock.ts';

const run = promisify(execFile);
const CLI = path.resolve('bin/calos.mjs');
const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'calos-lock-'));
  dirs.push(dir);
  return dir;
};

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the data directory lock', () => {
  it('refuses a second process with the pid of the one that holds it', async () => {
    const dir = freshDir();
    const lock = lockDataDir(dir);
    try {
      const result = await run(process.execPath, [CLI, 'migrate', 'all'], {
        env: { ...process.env, CALOS_DATA_DIR: dir, NODE_ENV: 'development' },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`is already in use by pid ${process.pid}`);
      expect(result.stderr).toContain('DATA_DIR_IN_USE');
    } finally {
      lock.release();
    }
  });

  it('refuses a second lock in the same process too', () => {
    const dir = freshDir();
    const lock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    lock.release();
  });

  it('takes over a lock left by a process that died', () => {
    const dir = freshDir();
    // A pid far above pid_max on Linux is never alive.
    writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: 99_999_999, host: hostname(), since: 'yesterday' }),
    );
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('is free again once released', () => {
    const dir = freshDir();
    lockDataDir(dir).release();
    const again = lockDataDir(dir);
    again.release();
  });
});
