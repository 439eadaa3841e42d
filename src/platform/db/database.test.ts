import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedDatabases, isolatedDatabases } from '../../../test/support/databases.ts';
import { testEngines } from '../../../test/support/engines.ts';
import type { Database } from './database.ts';
import type { DBPoolManager } from './pool-manager.ts';

describe.each(testEngines())('the %s engine', (engine) => {
  let isolated: IsolatedDatabases;
  let pools: DBPoolManager;
  let db: Database;

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine, { migrated: false });
    pools = await isolated.open(['hollowtown']);
    db = pools.get('hollowtown');
    await db.query('CREATE TABLE counters (id INT PRIMARY KEY, value INT NOT NULL)');
    await db.query('INSERT INTO counters VALUES (1, 0)');
  });
  afterAll(() => isolated.cleanup());

  it('is reached by name through the pool manager, and an unknown name throws', () => {
    expect(pools.get('hollowtown')).toBe(db);
    expect(() => pools.get('forum')).toThrow('Unknown database: forum');
  });

  it('returns the same JavaScript types for the same SQL types', async () => {
    const { rows } = await db.query(
      `SELECT 42::int8 AS big, 3.25::numeric AS decimal, DATE '2026-10-31' AS day,
              TIMESTAMPTZ '2026-10-31T20:00:00Z' AS at, '{"a":1}'::jsonb AS doc,
              ARRAY['vegan','kids']::text[] AS tags, gen_random_uuid() AS id, true AS flag`,
    );
    const row = rows[0] as Record<string, unknown>;
    expect(row.big).toBe(42);
    expect(row.decimal).toBe(3.25);
    expect(row.day).toBe('2026-10-31');
    expect(row.at).toEqual(new Date('2026-10-31T20:00:00Z'));
    expect(row.doc).toEqual({ a: 1 });
    expect(row.tags).toEqual(['vegan', 'kids']);
    expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.flag).toBe(true);
  });

  it('rolls a transaction back when its work throws, and rethrows', async () => {
    const error = await db
      .transaction(async (tx) => {
        await tx.query('UPDATE counters SET value = 999 WHERE id = 1');
        throw new Error('changed my mind');
      })
      .catch((e: Error) => e);
    expect(error.message).toBe('changed my mind');
    const { rows } = await db.query<{ value: number }>('SELECT value FROM counters WHERE id = 1');
    expect(rows[0]?.value).not.toBe(999);
  });

  it('delivers a NOTIFY to a listener with its payload, and stops after unsubscribe', async () => {
    const received: string[] = [];
    const unsubscribe = await db.listen('calos_test_channel', (payload) => received.push(payload));
    await db.notify('calos_test_channel', 'first');
    await waitFor(() => received.length === 1);
    await unsubscribe();
    await db.notify('calos_test_channel', 'second');
    await db.query('SELECT 1');
    expect(received).toEqual(['first']);
  });

  it.runIf(engine === 'pglite')(
    'keeps 50 concurrent read-then-write transactions from interleaving on the single session',
    async () => {
      await db.query('UPDATE counters SET value = 0 WHERE id = 1');
      await Promise.all(
        Array.from({ length: 50 }, () =>
          db.transaction(async (tx) => {
            const { rows } = await tx.query<{ value: number }>('SELECT value FROM counters WHERE id = 1');
            await new Promise((resolve) => setImmediate(resolve));
            await tx.query('UPDATE counters SET value = $1 WHERE id = 1', [(rows[0]?.value ?? 0) + 1]);
          }),
        ),
      );
      const { rows } = await db.query<{ value: number }>('SELECT value FROM counters WHERE id = 1');
      expect(rows[0]?.value).toBe(50);
    },
  );

  it('lets plain queries wait for an open transaction instead of running inside it', async () => {
    await db.query('UPDATE counters SET value = 0 WHERE id = 1');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tx = db.transaction(async (t) => {
      await t.query('UPDATE counters SET value = 7 WHERE id = 1');
      await gate;
      throw new Error('roll back');
    });
    const outside = db.query('UPDATE counters SET value = value + 1 WHERE id = 1');
    release();
    await expect(tx).rejects.toThrow('roll back');
    await outside;
    const { rows } = await db.query<{ value: number }>('SELECT value FROM counters WHERE id = 1');
    expect(rows[0]?.value).toBe(1);
  });

  it.runIf(engine === 'pglite')(
    'refuses at once a query on the database from inside its own transaction, instead of waiting forever',
    async () => {
      let later: Promise<unknown> = Promise.resolve();
      const outcome = db.transaction(async (tx) => {
        await tx.query('UPDATE counters SET value = 5 WHERE id = 1');
        await db.query('SELECT 1');
      });
      await expect(outcome).rejects.toMatchObject({ name: 'NestedDatabaseUseError' });
      // Work a transaction starts without waiting for runs after it, like anyone else's.
      await db.transaction(async (tx) => {
        await tx.query('UPDATE counters SET value = 6 WHERE id = 1');
        later = new Promise((resolve) => setTimeout(resolve, 20)).then(() =>
          db.query<{ value: number }>('SELECT value FROM counters WHERE id = 1'),
        );
      });
      await expect(later).resolves.toMatchObject({ rows: [{ value: 6 }] });
    },
  );
});

async function waitFor(condition: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
