// The web pages the browser tests serve: built once per content of web/ into a folder named by
// its hash, so a test run always shows the sources as they are (web/dist may be older), and runs
// with different sources side by side never overwrite each other's assets.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const WEB = path.resolve('web');
const PREFIX = 'calos-web-';
/** Builds unused this long are removed (another checkout's, or an older edit's). */
const STALE_MS = 24 * 60 * 60 * 1000;
/** Longest a build may hold the lock before others take over (a build takes 10–30 s). */
const LOCK_WAIT_MS = 3 * 60 * 1000;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.name !== 'dist' && entry.name !== 'node_modules' && !entry.name.startsWith('.'))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? sourceFiles(full) : [full];
    })
    .sort();
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of [...sourceFiles(WEB), path.resolve('package-lock.json')]) {
    hash.update(path.relative(WEB, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function pruneOldBuilds(keep: string) {
  const now = Date.now();
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(PREFIX) || name === path.basename(keep)) continue;
    const dir = path.join(tmpdir(), name);
    try {
      if (now - statSync(dir).mtimeMs > STALE_MS) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another run removed it first.
    }
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Waits while another test worker builds the same sources (a lock folder it made); takes the lock
 * and returns true when this worker should build, false when the build appeared meanwhile.
 */
function takeBuildLock(lock: string, done: string): boolean {
  const giveUpAt = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    if (existsSync(done)) return false;
    try {
      mkdirSync(lock);
      return true;
    } catch {
      // Held by a build that died long ago: take it over.
      const heldSince = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() > giveUpAt || Date.now() - heldSince > LOCK_WAIT_MS) {
        rmSync(lock, { recursive: true, force: true });
      }
      sleep(250);
    }
  }
}

/** The folder holding the pages built from web/ as it is now; builds it when missing. */
export function buildWebForTests(): string {
  const target = path.join(tmpdir(), `${PREFIX}${sourceHash()}`);
  const done = path.join(target, 'account.html');
  const lock = `${target}.lock`;
  if (!existsSync(done) && takeBuildLock(lock, done)) {
    const building = `${target}.${process.pid}.tmp`;
    try {
      execFileSync(process.execPath, ['--import', 'tsx', path.join(WEB, 'build.ts')], {
        stdio: 'inherit',
        // The bundles users get: under vitest NODE_ENV is 'test', which would build React for development.
        env: { ...process.env, NODE_ENV: 'production', CALOS_WEB_OUT: building },
      });
      try {
        renameSync(building, target);
      } catch (error) {
        // A parallel run finished the same build first: theirs is identical.
        if (!existsSync(path.join(target, 'account.html'))) throw error;
      }
    } finally {
      rmSync(building, { recursive: true, force: true });
      rmSync(lock, { recursive: true, force: true });
    }
  }
  pruneOldBuilds(target);
  return target;
}
