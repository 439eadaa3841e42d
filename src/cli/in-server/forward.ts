// The other side of endpoint.ts: a command that finds the embedded databases held by a running
// server asks that server to run it, and prints what it answers as it comes.
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { LockHolder } from '../../platform/db/data-dir-lock.ts';
import { DOCTOR_TOKEN_HEADER } from '../doctor.ts';
import { printError, stderrStream, stdoutStream } from '../output.ts';
import { CLI_PATH, refusalInServer } from './commands.ts';

/** Whether `argv` can be handed to the server that holds the databases. */
export const canForward = (argv: readonly string[], holder: LockHolder): boolean =>
  holder.server !== undefined && refusalInServer(argv) === undefined;

/**
 * `calos import <archive.zip>` names a file from where the operator stands; the server may run in
 * another folder, so the archive goes as an absolute path.
 */
export function withAbsolutePaths(argv: readonly string[]): string[] {
  if (argv[0] !== 'import') return [...argv];
  const valued = new Set(['--user']);
  return argv.map((arg, i) =>
    i > 0 && !arg.startsWith('-') && !valued.has(argv[i - 1] ?? '') ? path.resolve(arg) : arg,
  );
}

/** Runs `argv` in the holding server; returns its exit code. */
export async function forwardToServer(argv: readonly string[], holder: LockHolder): Promise<number> {
  const server = holder.server;
  if (!server) return 1;
  printError(
    `calos: the embedded databases are open in the running server (pid ${holder.pid}); running there.`,
  );
  let response: Response;
  try {
    response = await fetch(`${server.url}${CLI_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [DOCTOR_TOKEN_HEADER]: server.doctorToken },
      body: JSON.stringify({ argv: withAbsolutePaths(argv) }),
    });
  } catch (error) {
    printError(`calos: could not reach it at ${server.url}: ${(error as Error).message}. Nothing was done.`);
    return 1;
  }
  if (!response.ok || !response.body) {
    printError(`calos: it answered ${response.status} ${await response.text()}. Nothing was done.`);
    return 1;
  }
  let exit = 1;
  const lines = createInterface({ input: Readable.fromWeb(response.body as never) });
  for await (const text of lines) {
    if (!text) continue;
    const message = JSON.parse(text) as { out?: string; err?: string; exit?: number };
    if (message.out !== undefined) stdoutStream().write(message.out);
    if (message.err !== undefined) stderrStream().write(message.err);
    if (message.exit !== undefined) exit = message.exit;
  }
  return exit;
}
