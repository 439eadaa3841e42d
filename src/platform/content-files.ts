// Content that ships with CALOS (content/: the starter pack and meal plan templates), read from
// JSON files and checked against a schema when read, so that a mistake in a file stops the load
// with the file, the item and the field at fault instead of storing half an item.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

/** content/ of this checkout (the starter pack lives in content/starter). */
export const CONTENT_DIR = path.resolve(import.meta.dirname, '../../content');
export const STARTER_DIR = path.join(CONTENT_DIR, 'starter');

/** A content file that cannot be read or does not follow its schema. */
export class ContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContentError';
  }
}

/** Items of a JSON array file, each checked against `schema`, keys unique. */
export async function readContentList<T extends { key: string }>(
  file: string,
  schema: TSchema,
): Promise<T[]> {
  const value = await readJson(file);
  if (!Array.isArray(value)) throw new ContentError(`${file}: expected a JSON array of items`);
  const check = Compile(schema);
  const seen = new Set<string>();
  return value.map((item: unknown, index) => {
    if (!check.Check(item)) {
      const error = [...check.Errors(item)][0];
      const key = (item as { key?: unknown })?.key;
      throw new ContentError(
        `${file}: item ${index}${typeof key === 'string' ? ` (${key})` : ''} ${error?.instancePath || '/'} ${error?.message ?? 'does not follow the schema'}`,
      );
    }
    const typed = item as T;
    if (seen.has(typed.key)) throw new ContentError(`${file}: the key "${typed.key}" appears twice`);
    seen.add(typed.key);
    return typed;
  });
}

/** One JSON object file checked against `schema`. */
export async function readContentObject<T>(file: string, schema: TSchema): Promise<T> {
  const value = await readJson(file);
  const check = Compile(schema);
  if (!check.Check(value)) {
    const error = [...check.Errors(value)][0];
    throw new ContentError(
      `${file}: ${error?.instancePath || '/'} ${error?.message ?? 'does not follow the schema'}`,
    );
  }
  return value as T;
}

/** The .json files of a folder, sorted. */
export async function contentFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return names
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => path.join(dir, n));
}

/** Stable fingerprint of an item as written (keys sorted), to tell whether it changed since loaded. */
export function contentHash(item: unknown): string {
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
          )
        : value;
  return createHash('sha256')
    .update(JSON.stringify(sorted(item)))
    .digest('hex');
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ContentError(`${file}: cannot be read (${(error as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ContentError(`${file}: not JSON (${(error as Error).message})`);
  }
}
