// An exclusive lock on the embedded data directory: PGlite must never be opened by two
// processes at once, so the second one gets a clear error naming the holder.
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { systemClock } from '../clock.ts';
import { AppError } from '../errors.ts';

export const LOCK_FILE = 'calos.lock';

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  /**
   * Where the holding server answers once it listens, and the secret with which `calos doctor`
   * asks it to check the databases it holds (the file is readable by its owner only).
   */
  server?: ServerAnnouncement;
}

export interface ServerAnnouncement {
  url: string;
  doctorToken: string;
}

export class DataDirInUseError extends AppError {
  constructor(dir: string, holder: LockHolder) {
    super(
      409,
      'DATA_DIR_IN_USE',
      `Data directory ${dir} is already in use by pid ${holder.pid} (since ${holder.since}). ` +
        'Stop that process first, or point CALOS_DATA_DIR somewhere else.',
      holder,
    );
  }
}

export function readLockHolder(dir: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number') return undefined;
    const server =
      typeof parsed.server?.url === 'string' && typeof parsed.server.doctorToken === 'string'
        ? { url: parsed.server.url, doctorToken: parsed.server.doctorToken }
        : undefined;
    return { pid: parsed.pid, host: String(parsed.host ?? ''), since: String(parsed.since ?? ''), server };
  } catch {
    return undefined;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DataDirLock {
  readonly dir: string;
  release(): void;
  /** Records where this process serves (see LockHolder.server). */
  announce(server: ServerAnnouncement): void;
}

/** Takes the lock or throws DataDirInUseError; a lock left by a dead process is taken over. */
export function lockDataDir(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      const holder: LockHolder = {
        pid: process.pid,
        host: hostname(),
        since: systemClock.now().toISOString(),
      };
      writeSync(fd, JSON.stringify(holder));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        if (readLockHolder(dir)?.pid === process.pid) unlinkSync(file);
      };
      process.on('exit', release);
      const announce = (server: ServerAnnouncement) => {
        if (!released) writeFileSync(file, JSON.stringify({ ...holder, server }), { mode: 0o600 });
      };
      return { dir, release, announce };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLockHolder(dir);
      const isSameHost = !holder || holder.host === hostname();
      if (holder && (!isSameHost || isProcessAlive(holder.pid))) throw new DataDirInUseError(dir, holder);
      // The holder is gone (crash, kill -9): its lock is stale.
      try {
        unlinkSync(file);
      } catch {
        // Another process removed it first; try again.
      }
    }
  }
  const holder = readLockHolder(dir);
  throw holder ? new DataDirInUseError(dir, holder) : new Error(`Could not lock data directory ${dir}`);
}
