import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedDatabases, isolatedDatabases } from '../../../test/support/databases.ts';
import { testEngines } from '../../../test/support/engines.ts';
import { DATABASE_NAMES } from '../databases.ts';
import type { DBPoolManager } from './pool-manager.ts';
import { allowedValues, readColumns, renderRowTypes, rowTypesFile, TS_TYPE_OF } from './row-types.ts';

describe('reading a CHECK (column IN (…)) as a union of literals', () => {
  it('takes text and integer lists, and leaves every other check alone', () => {
    expect(allowedValues('status', "CHECK ((status = ANY (ARRAY['held'::text, 'settled'::text])))")).toEqual([
      "'held'",
      "'settled'",
    ]);
    expect(allowedValues('delta', "CHECK ((delta = ANY (ARRAY['-1'::integer, 1])))")).toEqual(['-1', '1']);
    expect(allowedValues('note', "CHECK ((note = ANY (ARRAY['it''s'::text])))")).toEqual(["'it\\'s'"]);
    // Another column, a range, or a list combined with something else: no union.
    expect(allowedValues('status', "CHECK ((kind = ANY (ARRAY['a'::text])))")).toBeNull();
    expect(allowedValues('price', 'CHECK ((price > 0))')).toBeNull();
    expect(
      allowedValues('kind', "CHECK (((kind = ANY (ARRAY['a'::text])) = (reservation_id IS NOT NULL)))"),
    ).toBeNull();
  });
});

describe.each(testEngines())('the row types on %s', (engine) => {
  let isolated: IsolatedDatabases;
  let pools: DBPoolManager;

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine);
    pools = await isolated.open();
  });
  afterAll(() => isolated.cleanup());

  it.each(DATABASE_NAMES)('of %s match the migrated schema (else run `npm run types:db`)', async (name) => {
    const generated = renderRowTypes(name, await readColumns(pools.get(name)));
    expect(generated, `src/${name}/store/tables.ts is stale: run npm run types:db`).toBe(
      readFileSync(rowTypesFile(name), 'utf8'),
    );
  });

  it('name the JavaScript type each column type really comes back as', async () => {
    const samples: Record<string, string> = {
      bool: 'true',
      int2: '1::int2',
      int4: '1::int4',
      int8: '1::int8',
      numeric: '1.5::numeric',
      text: "'a'::text",
      uuid: 'gen_random_uuid()',
      date: "DATE '2026-10-31'",
      timestamptz: 'now()',
      jsonb: `'{"a":1}'::jsonb`,
    };
    // The element types of the schema's array columns (text[], uuid[], timestamptz[]): the
    // engines' array parsers differ for others (a date[] comes back as Dates from pg).
    const columns = (await Promise.all(DATABASE_NAMES.map((name) => readColumns(pools.get(name))))).flat();
    const ARRAY_ELEMENTS = new Set(columns.flatMap((c) => (c.element ? [c.element] : [])));
    expect([...ARRAY_ELEMENTS].sort()).toEqual(['text', 'timestamptz', 'uuid']);
    const used = new Set(columns.map((c) => c.element ?? c.type));
    for (const type of used) expect(Object.keys(samples), `a sample of ${type}`).toContain(type);
    const db = pools.get('identity');
    for (const [type, sql] of Object.entries(samples)) {
      const { rows } = await db.query<{ v: unknown; a: unknown }>(`SELECT ${sql} AS v, ARRAY[${sql}] AS a`);
      const row = rows[0] ?? { v: undefined, a: [] };
      const expected = TS_TYPE_OF[type];
      const actual = (value: unknown) =>
        value instanceof Date ? 'Date' : typeof value === 'object' ? 'Json' : typeof value;
      expect(actual(row.v), type).toBe(expected);
      if (!ARRAY_ELEMENTS.has(type)) continue;
      expect(Array.isArray(row.a), `${type}[]`).toBe(true);
      expect(actual((row.a as unknown[])[0]), `${type}[]`).toBe(expected);
    }
  });
});
