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
    for (let i = 0; i < 3; i++) {
      await db.transaction((tx) => enqueueEvent(tx, 'recipe.updated', { recipe_id: `r${i}` }));
    }
    const events = await pullEvents(db, 'recipes', 10);
    expect(events).toHaveLength(3);
    const [, second, third] = events.map((e) => e.eventId) as [number, number, number];
    await db.query('UPDATE outbox SET created_at = now() - make_interval(secs => $1)', [
      OUTBOX_RETENTION_MS / 1000 + 60,
    ]);
    await ackEvent(db, 'recipes', second);
    expect(await pruneConsumedEvents(db, new Date(Date.now() - OUTBOX_RETENTION_MS))).toBe(2);
    // The one not yet read stays, however old.
    expect((await pullEvents(db, 'recipes', 10)).map((e) => e.eventId)).toEqual([third]);

    // Read now, but not a week old: stays.
    await db.transaction((tx) => enqueueEvent(tx, 'recipe.deleted', { recipe_id: 'r9' }));
    const fresh = (await pullEvents(db, 'recipes', 10)).at(-1)?.eventId as number;
    await ackEvent(db, 'recipes', fresh);
    expect(await pruneConsumedEvents(db, new Date(Date.now() - OUTBOX_RETENTION_MS))).toBe(1);
    const { rows } = await db.query<{ event_id: number }>('SELECT event_id FROM outbox');
    expect(rows.map((r) => Number(r.event_id))).toEqual([fresh]);
  });
});
