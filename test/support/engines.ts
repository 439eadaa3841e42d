// The one engine switch of the test suite: every database test runs on each engine named in
// TEST_ENGINES (default: both), against TEST_POSTGRES_URL for PostgreSQL.
import type { Engine } from '../../src/platform/db/database.ts';

export const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function testEngines(): Engine[] {
  const raw = process.env.TEST_ENGINES ?? 'pglite,postgres';
  const engines = raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const engine of engines) {
    if (engine !== 'pglite' && engine !== 'postgres') {
      throw new Error(`TEST_ENGINES lists unknown engine "${engine}" (use pglite, postgres)`);
    }
  }
  return engines as Engine[];
}

/** A URL on the test server for one database. */
export function postgresUrlFor(database: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export const uniqueSuffix = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

/**
 * For tests whose subject is not the database (the Ollama pool, the development stand-in, the
 * web pages in a browser): the engine does not change what they check, so they run once, on
 * PostgreSQL when it is listed (its work runs in its own processes, not in the test's worker),
 * else on PGlite. What they store is tested on both engines elsewhere.
 */
export function oneEngine(): Engine[] {
  const engines = testEngines();
  return engines.includes('postgres') ? ['postgres'] : engines.slice(0, 1);
}
