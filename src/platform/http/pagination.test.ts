import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedDatabases, isolatedDatabases } from '../../../test/support/databases.ts';
import { testEngines } from '../../../test/support/engines.ts';
import type { Database } from '../db/database.ts';
import { cursorTime, keysetSql, Params } from '../db/sql.ts';
import { AppError } from '../errors.ts';
import {
  DAY_KEY,
  keyset,
  MAX_CURSOR_LENGTH,
  PageQuery,
  pageFilters,
  RANK_KEY,
  TIME_KEY,
} from './pagination.ts';

const ID = '0b6f8c1e-2d3a-4e5f-8a9b-0c1d2e3f4a5b';
const AT = '2026-10-31T18:00:00.123456Z';
const NEWEST = keyset('test.things:new', TIME_KEY);
const TOP = keyset('test.things:top', RANK_KEY);

const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('keyset cursors', () => {
  it('carry a position through encode and decode, microseconds and all', () => {
    const cursor = NEWEST.encode({ at: AT, id: ID });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(NEWEST.decode(cursor)).toEqual({ at: AT, id: ID });
    expect(TOP.decode(TOP.encode({ rank: -3, at: AT, id: ID }))).toEqual({ rank: -3, at: AT, id: ID });
    expect(NEWEST.decode(undefined)).toBeUndefined();
  });

  it('refuse a cursor of another list or sort order with 400 INVALID_CURSOR and a message', () => {
    const error = refusal(() => NEWEST.decode(TOP.encode({ rank: 1, at: AT, id: ID })));
    expect(error.status).toBe(400);
    expect(error.code).toBe('INVALID_CURSOR');
    expect(error.message).toMatch(/another list, sort order or filter/);
    expect(refusal(() => keyset('test.other', TIME_KEY).decode(NEWEST.encode({ at: AT, id: ID }))).code).toBe(
      'INVALID_CURSOR',
    );
  });

  it('bind a cursor to the filters it was made with, whatever their order', () => {
    const cursor = NEWEST.encode({ at: AT, id: ID }, { tags: ['a'], scope: 'mine' });
    expect(NEWEST.decode(cursor, { scope: 'mine', tags: ['a'], q: undefined })).toEqual({ at: AT, id: ID });
    expect(refusal(() => NEWEST.decode(cursor, { scope: 'all', tags: ['a'] })).code).toBe('INVALID_CURSOR');
    expect(refusal(() => NEWEST.decode(cursor)).code).toBe('INVALID_CURSOR');
    const query = { limit: 5, cursor: 'x', scope: 'mine' };
    expect(pageFilters(query)).toEqual({ scope: 'mine' });
  });

  it.each([
    ['not base64url', '%%%'],
    ['base64 with padding characters', `${NEWEST.encode({ at: AT, id: ID })}==`],
    ['not JSON', Buffer.from('{"l":').toString('base64url')],
    ['an array', raw(['test.things:new', AT, ID])],
    ['an extra field', raw({ l: 'test.things:new', k: [AT, ID], x: 1 })],
    ['too few values', raw({ l: 'test.things:new', k: [AT] })],
    ['a time without microseconds', raw({ l: 'test.things:new', k: ['2026-10-31T18:00:00Z', ID] })],
    ['a day that does not exist', raw({ l: 'test.things:new', k: ['2026-02-30T18:00:00.000000Z', ID] })],
    ['an hour past 23', raw({ l: 'test.things:new', k: ['2026-10-31T24:00:00.000000Z', ID] })],
    ['an id that is not a UUID', raw({ l: 'test.things:new', k: [AT, "x' OR 1=1"] })],
    ['a rank beyond integer', raw({ l: 'test.things:top', k: [2 ** 31, AT, ID] })],
    ['a fractional rank', raw({ l: 'test.things:top', k: [1.5, AT, ID] })],
    ['too long', 'a'.repeat(MAX_CURSOR_LENGTH + 1)],
  ])('refuse %s with 400 INVALID_CURSOR, never a 500', (_name, cursor) => {
    const list = cursor.includes('dGVzdC50aGluZ3M6dG9w') ? TOP : NEWEST;
    const error = refusal(() => (list === TOP ? TOP.decode(cursor) : NEWEST.decode(cursor)));
    expect(error.status).toBe(400);
    expect(error.code).toBe('INVALID_CURSOR');
  });

  it('check dates, big integers, decimals and text', () => {
    const days = keyset('test.days', DAY_KEY);
    expect(days.decode(days.encode({ day: '2028-02-29', id: ID }))).toEqual({ day: '2028-02-29', id: ID });
    expect(refusal(() => days.decode(raw({ l: 'test.days', k: ['2027-02-29', ID] }))).code).toBe(
      'INVALID_CURSOR',
    );
    const ids = keyset('test.ids', { id: 'bigint' });
    expect(refusal(() => ids.decode(raw({ l: 'test.ids', k: [1e300] }))).code).toBe('INVALID_CURSOR');
    const ratings = keyset('test.ratings', { avg: 'decimal', name: 'text' });
    expect(ratings.decode(ratings.encode({ avg: 4.25, name: 'ada' }))).toEqual({ avg: 4.25, name: 'ada' });
    expect(refusal(() => ratings.decode(raw({ l: 'test.ratings', k: ['4', 'ada'] }))).code).toBe(
      'INVALID_CURSOR',
    );
  });

  it('make a page of limit + 1 rows, with a cursor only when there is more', () => {
    const rows = [1, 2, 3].map((n) => ({ n, at: AT, id: ID }));
    const page = NEWEST.page(
      rows,
      2,
      (row) => row.n,
      (row) => ({ at: row.at, id: row.id }),
    );
    expect(page.items).toEqual([1, 2]);
    expect(NEWEST.decode(page.next_cursor ?? undefined)).toEqual({ at: AT, id: ID });
    expect(
      NEWEST.page(
        rows,
        3,
        (row) => row.n,
        (row) => row,
      ).next_cursor,
    ).toBeNull();
  });

  it('are opaque strings with a maxLength in the query schema', () => {
    const schema = PageQuery.properties.cursor as unknown as { type: string; maxLength: number };
    expect(schema.type).toBe('string');
    expect(schema.maxLength).toBe(MAX_CURSOR_LENGTH);
  });
});

describe('keysetSql', () => {
  it('orders and continues on the same columns, one way', () => {
    const keys = keysetSql('desc', [
      ['created_at', 'timestamptz'],
      ['id', 'uuid'],
    ]);
    const params = new Params(['someone']);
    expect(keys.orderBy).toBe('created_at DESC, id DESC');
    expect(keys.after([AT, ID], params)).toBe('(created_at, id) < ($2::timestamptz, $3::uuid)');
    expect(params.values).toEqual(['someone', AT, ID]);
    const ranked = keysetSql('asc', [['(SELECT 1)', 'integer', 'rank']]);
    expect(ranked.orderBy).toBe('rank ASC');
    expect(ranked.after([1], new Params())).toBe('((SELECT 1)) > ($1::integer)');
  });
});

describe.each(testEngines())('keyset pages on the %s engine', (engine) => {
  let isolated: IsolatedDatabases;
  let db: Database;
  const BY_NEWEST = keysetSql('desc', [
    ['created_at', 'timestamptz'],
    ['thing_id', 'uuid'],
  ]);
  const BY_RANK = keysetSql('desc', [
    ['votes', 'integer'],
    ['created_at', 'timestamptz'],
    ['thing_id', 'uuid'],
  ]);

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine, { migrated: false });
    db = (await isolated.open(['family'])).get('family');
    await db.query(`CREATE TABLE things (thing_id uuid PRIMARY KEY, created_at timestamptz NOT NULL,
      votes integer NOT NULL, n integer NOT NULL)`);
    // 23 rows: seven share one timestamp, five the next (a microsecond later), the rest apart;
    // votes tie in threes.
    const times = [
      ...Array(7).fill('2026-10-31 18:00:00.000001+00'),
      ...Array(5).fill('2026-10-31 18:00:00.000002+00'),
      ...Array.from({ length: 11 }, (_, i) => `2026-10-3${i % 2} 1${i % 10}:00:00.123456+00`),
    ];
    for (const [n, at] of times.entries()) {
      await db.query('INSERT INTO things VALUES (gen_random_uuid(), $1::timestamptz, $2, $3)', [
        at,
        Math.floor(n / 3),
        n,
      ]);
    }
  });
  afterAll(() => isolated.cleanup());

  async function pageOf(limit: number, cursor: string | undefined, ranked: boolean) {
    const list = ranked ? TOP : NEWEST;
    const keys = ranked ? BY_RANK : BY_NEWEST;
    const after = ranked ? TOP.decode(cursor) : NEWEST.decode(cursor);
    const params = new Params();
    const where = after
      ? `WHERE ${keys.after(ranked && 'rank' in after ? [after.rank, after.at, after.id] : [after.at, after.id], params)}`
      : '';
    const { rows } = await db.query<{ thing_id: string; cursor_at: string; votes: number; n: number }>(
      `SELECT thing_id, votes, n, ${cursorTime('created_at')} AS cursor_at FROM things ${where}
       ORDER BY ${keys.orderBy} LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    return ranked
      ? TOP.page(
          rows,
          limit,
          (row) => row.thing_id,
          (row) => ({ rank: row.votes, at: row.cursor_at, id: row.thing_id }),
        )
      : list.page(
          rows,
          limit,
          (row) => row.thing_id,
          (row) => ({ at: row.cursor_at, id: row.thing_id }),
        );
  }

  it.each([
    ['newest first', false],
    ['by rank', true],
  ])('%s, with equal timestamps, neither skips nor repeats a row at any page size', async (_name, ranked) => {
    const keys = ranked ? BY_RANK : BY_NEWEST;
    const { rows: all } = await db.query<{ thing_id: string }>(
      `SELECT thing_id FROM things ORDER BY ${keys.orderBy}`,
    );
    for (const limit of [1, 2, 3, 5, 7]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await pageOf(limit, cursor, ranked as boolean);
        seen.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(all.map((row) => row.thing_id));
    }
  });

  it('keeps the microseconds of a timestamp through the cursor', async () => {
    const page = await pageOf(7, undefined, false);
    const position = NEWEST.decode(page.next_cursor ?? undefined);
    const { rows } = await db.query<{ cursor_at: string }>(
      `SELECT ${cursorTime('created_at')} AS cursor_at FROM things WHERE thing_id = $1`,
      [position?.id],
    );
    expect(position?.at).toBe(rows[0]?.cursor_at);
    expect(position?.at).toMatch(/\.\d{6}Z$/);
    const { rows: cast } = await db.query<{ same: boolean }>(
      'SELECT $1::timestamptz = created_at AS same FROM things WHERE thing_id = $2',
      [position?.at, position?.id],
    );
    expect(cast[0]?.same).toBe(true);
  });
});
