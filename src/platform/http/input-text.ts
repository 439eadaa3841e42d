// Text that no database column can hold is refused at the door, for every route at once: a NUL
// character (PostgreSQL text cannot contain one) and a lone UTF-16 surrogate (not Unicode: it
// would be stored as U+FFFD, or refused by jsonb). Both are a 400 INVALID_TEXT naming the field.
import type { FastifyRequest } from 'fastify';
import { PlatformErrors } from '../errors.ts';

const NUL = String.fromCharCode(0);
/** ES2024's String.prototype.isWellFormed (Node 20 has it; TypeScript's ES2023 lib does not). */
const isWellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();

export interface InvalidText {
  field: string;
  problem: 'nul' | 'surrogate';
}

const PROBLEMS = {
  nul: 'contains a NUL character (U+0000), which cannot be stored',
  surrogate: 'contains an unpaired UTF-16 surrogate, which is not Unicode text',
} as const;

function problemOf(text: string): InvalidText['problem'] | undefined {
  if (text.includes(NUL)) return 'nul';
  return isWellFormed(text) ? undefined : 'surrogate';
}

/** A field name fit for a message: characters that are themselves the problem are escaped. */
const printable = (name: string) =>
  [...name]
    .map((c) =>
      c.charCodeAt(0) < 0x20 || (c.length === 1 && c >= '\ud800' && c <= '\udfff')
        ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
        : c,
    )
    .join('');

/** The first string (or property name) in a parsed value that cannot be stored, if any. */
export function findInvalidText(value: unknown, field: string, depth = 0): InvalidText | undefined {
  if (typeof value === 'string') {
    const problem = problemOf(value);
    return problem ? { field, problem } : undefined;
  }
  // Bodies are at most 1 MiB, but nesting is bounded too so that a deep one cannot exhaust the stack.
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findInvalidText(value[i], `${field}.${i}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (Buffer.isBuffer(value)) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const keyProblem = problemOf(key);
    if (keyProblem) return { field: `${field}.${printable(key)}`, problem: keyProblem };
    const found = findInvalidText(item, `${field}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export const invalidTextError = ({ field, problem }: InvalidText) =>
  PlatformErrors.invalidText(field, PROBLEMS[problem]);

/** preValidation (callback form): the parsed body, query, path parameters and headers, before any schema. */
export function refuseInvalidText(
  request: FastifyRequest,
  _reply: unknown,
  done: (error?: Error) => void,
): void {
  const found =
    findInvalidText(request.params, 'params') ??
    findInvalidText(request.query, 'query') ??
    findInvalidText(request.body, 'body') ??
    findInvalidText(request.headers, 'headers');
  done(found ? invalidTextError(found) : undefined);
}
