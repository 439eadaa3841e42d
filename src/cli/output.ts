// How the calos command talks to a person: plain lines on stdout, problems on stderr. A run can
// be given its own streams and environment (`runCalos`), so tests run commands in-process.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Config } from '../platform/config.ts';
import type { DBPoolManager } from '../platform/db/pool-manager.ts';
import { AppError, ConfigError } from '../platform/errors.ts';

/** Where a run writes: stdout and stderr by default. */
export interface CliStreams {
  out: { write(text: string): unknown };
  err: { isTTY?: boolean; columns?: number; write(text: string): unknown };
}

interface CliContext extends CliStreams {
  env: NodeJS.ProcessEnv;
  /** The server this run happens in (a command forwarded to it): its settings and open databases. */
  host?: { config: Config; databases: DBPoolManager };
}

const context = new AsyncLocalStorage<CliContext>();

/** Runs `work` with these streams and this environment for every print and setting inside it. */
export const withCliContext = <T>(run: CliContext, work: () => Promise<T>): Promise<T> =>
  context.run(run, work);

export const stdoutStream = (): CliStreams['out'] => context.getStore()?.out ?? process.stdout;
export const stderrStream = (): CliStreams['err'] => context.getStore()?.err ?? process.stderr;
/** The environment of this run: the process's, unless the run was given one. */
export const cliEnv = (): NodeJS.ProcessEnv => context.getStore()?.env ?? process.env;
/** The running server's databases when this command runs inside it (see src/cli/in-server.ts). */
export const hostDatabases = (): DBPoolManager | undefined => context.getStore()?.host?.databases;
/** The running server's settings when this command runs inside it; else the command reads its own. */
export const hostConfig = (): Config | undefined => context.getStore()?.host?.config;

export const print = (line = '') => stdoutStream().write(`${line}\n`);
export const printError = (line: string) => stderrStream().write(`${line}\n`);

/**
 * A reader that stops early (`calos plans list | head -1`) is not a failure of the command: the
 * first write after the pipe closed fails with EPIPE, which Node.js raises as an unhandled error
 * with a stack trace (it ignores SIGPIPE). From then on what this stream is given is dropped, and
 * the command finishes what it was doing, quietly, with its own exit code: one that changes data
 * is not cut off halfway because nobody reads its report. For the process's own streams (the
 * calos binary; in-process runs are given theirs).
 */
export function dropOutputOnceReaderLeaves(
  streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr],
): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
      throw error;
    });
  }
}

export class UsageError extends Error {}

/** Prints an error the way an operator can act on it and returns the exit code. */
export function reportFailure(error: unknown): number {
  if (error instanceof UsageError) {
    printError(`calos: ${error.message}`);
    printError("Run 'calos help' for the commands.");
    return 2;
  }
  if (error instanceof ConfigError) {
    printError(error.message);
    return 2;
  }
  if (error instanceof AppError) {
    printError(`calos: ${error.message} [${error.code}]`);
    return 1;
  }
  printError(`calos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 1;
}

export const pad = (text: string, width: number) => text.padEnd(width);
