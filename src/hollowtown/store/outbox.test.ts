import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedDatabases, isolatedDatabases } from '../../../test/support/databases.ts';
import { testEngines } from '../../../test/support/engines.ts';
import type { Database } from '../../platform/db/database.ts';
import { OUTBOX_RETENTION_MS } from '../service/housekeeping.ts';
import { ackEvent, enqueueEvent, pruneConsumedEvents, pullEvents } from './outbox.ts';

describe.each(testEngines())("Hollowtown's outbox on %s", (engine) => {
  let isolated: IsolatedDatabases;
  let db: Database;

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine);
    db = (await isolated.open(['hollowtown'])).get('hollowtown');
  });
  afterAll(() => isolated.cleanup());

  it('prunes only week-old events that every consumer has read', async () => {
    // Times are the service clock's, whatever day the test runs.
    const now = Date.parse('2026-11-01T12:00:00Z');
    const weekAndAMinuteAgo = new Date(now - OUTBOX_RETENTION_MS - 60_000);
    for (let i = 0; i < 3; i++) {
      await db.transaction((tx) =>
        enqueueEvent(tx, 'recipe.updated', { recipe_id: `r${i}` }, weekAndAMinuteAgo),
      );
    }
    const events = await pullEvents(db, 'recipes', 10);
    expect(events).toHaveLength(3);
    const [, second, third] = events.map((e) => e.eventId) as [number, number, number];
    await ackEvent(db, 'recipes', second);
    expect(await pruneConsumedEvents(db, new Date(now - OUTBOX_RETENTION_MS))).toBe(2);
    // The one not yet read stays, however old.
    expect((await pullEvents(db, 'recipes', 10)).map((e) => e.eventId)).toEqual([third]);

    // Read now, but not a week old: stays.
    await db.transaction((tx) =>
      enqueueEvent(tx, 'recipe.deleted', { recipe_id: 'r9' }, new Date(now - 60_000)),
    );
    const fresh = (await pullEvents(db, 'recipes', 10)).at(-1)?.eventId as number;
    await ackEvent(db, 'recipes', fresh);
    expect(await pruneConsumedEvents(db, new Date(now - OUTBOX_RETENTION_MS))).toBe(1);
    const { rows } = await db.query<{ event_id: number }>('SELECT event_id FROM outbox');
    expect(rows.map((r) => Number(r.event_id))).toEqual([fresh]);
  });
});
