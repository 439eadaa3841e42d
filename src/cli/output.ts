// How the calos command talks to a person: plain lines on stdout, problems on stderr.
import { AppError, ConfigError } from '../platform/errors.ts';

export const print = (line = '') => process.stdout.write(`${line}\n`);
export const printError = (line: string) => process.stderr.write(`${line}\n`);

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
