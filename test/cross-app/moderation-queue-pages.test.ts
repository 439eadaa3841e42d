// The moderation queue's pages on both engines: more hidden items than a page (several hidden in
// the same microsecond, so the kind and id break the tie) come back oldest first across pages with
// no duplicate and no gap, and a cursor that is not ours is 400 INVALID_CURSOR.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffService } from '../../src/identity/index.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe.each(testEngines())('the moderation queue in pages on %s', (engine) => {
  let platform: TestPlatform;
  let moderator: TestUser;
  const expected: string[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown'] });
    moderator = await given(platform).user();
    await createStaffService({
      db: platform.databases.get('identity'),
      now: () => platform.clock.now(),
    }).grant({ login: moderator.username, role: 'moderator', domain: 'hollowtown' }, { operator: 'test' });
    // Seven items hidden at one instant (ties) and four later, one restored (not in the queue).
    const db = platform.databases.get('hollowtown');
    const base = platform.clock.now().getTime() - 3_600_000;
    const rows: { kind: string; id: string; at: Date; state: string }[] = [];
    for (let i = 0; i < 7; i++)
      rows.push({ kind: i % 2 ? 'plan' : 'recipe', id: randomUUID(), at: new Date(base), state: 'hidden' });
    for (let i = 1; i <= 4; i++)
      rows.push({ kind: 'costume', id: randomUUID(), at: new Date(base + i * 1000), state: 'hidden' });
    rows.push({ kind: 'recipe', id: randomUUID(), at: new Date(base + 500), state: 'restored' });
    for (const row of rows)
      await db.query(
        `INSERT INTO moderation_items (item_kind, item_id, author_id, item_title, state, reason, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'Reported', $6)`,
        [row.kind, row.id, moderator.userId, `Item ${row.id.slice(0, 8)}`, row.state, row.at],
      );
    expected.push(
      ...rows
        .filter((r) => r.state === 'hidden')
        .sort(
          (a, b) => a.at.getTime() - b.at.getTime() || a.kind.localeCompare(b.kind) || (a.id < b.id ? -1 : 1),
        )
        .map((r) => `${r.kind}:${r.id}`),
    );
  });
  afterAll(() => platform.close());

  const page = (query: string) =>
    platform.app.inject({
      method: 'GET',
      url: `/hollowtown/api/admin/moderation?${query}`,
      headers: moderator.headers,
    });

  it('pages through more items than a page, oldest first, with no duplicate and no gap', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await page(`limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(response.statusCode).toBe(200);
      const body = response.json() as {
        items: { item_kind: string; item_id: string }[];
        next_cursor: string | null;
      };
      expect(body.items.length).toBeLessThanOrEqual(3);
      seen.push(...body.items.map((i) => `${i.item_kind}:${i.item_id}`));
      cursor = body.next_cursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(11);
    expect(pages).toBe(4);
  });

  it('answers a cursor that is not ours with 400 INVALID_CURSOR', async () => {
    const forged = Buffer.from(JSON.stringify({ at: 'yesterday', k: 'recipe', id: 'x' })).toString(
      'base64url',
    );
    for (const cursor of ['not-a-cursor', forged, Buffer.from('[1,2]').toString('base64url')]) {
      const response = await page(`cursor=${encodeURIComponent(cursor)}`);
      expect(response.statusCode, cursor).toBe(400);
      expect(response.json().error.code).toBe('INVALID_CURSOR');
    }
  });
});
