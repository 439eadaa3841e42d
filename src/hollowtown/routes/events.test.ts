import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';

describe.each(testEngines())('Halloween events on %s', (engine) => {
  let platform: TestPlatform;
  const inject = (options: InjectOptions) => platform.app.inject(options);

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown'] });
  });
  afterAll(() => platform.close());

  const create = (user: TestUser, payload: Record<string, unknown>) =>
    inject({ method: 'POST', url: '/hollowtown/api/events', headers: user.headers, payload });

  const createOk = async (user: TestUser, payload: Record<string, unknown>) => {
    const response = await create(user, payload);
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };

  const party = (overrides: Record<string, unknown> = {}) => ({
    event_name: 'Monster mash',
    event_type: 'party',
    event_date: '2025-10-31',
    ...overrides,
  });

  it('plans an event with a shopping list and works out the totals against the budget', async () => {
    const alice = await given(platform).user();
    const event = await createOk(
      alice,
      party({
        location: '13 Elm Street',
        guest_count: 20,
        budget_cents: 5000,
        shopping_list: [
          { name: 'pumpkins', quantity: 4, estimated_cost_cents: 2000 },
          { name: 'fake blood', quantity: 0.5, unit: 'l', checked: true, estimated_cost_cents: 3500 },
          { name: 'candles' },
        ],
      }),
    );
    expect(event).toEqual({
      event_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      family_id: null,
      is_mine: true,
      family_shopping_list: null,
      event_name: 'Monster mash',
      event_type: 'party',
      event_date: '2025-10-31',
      location: '13 Elm Street',
      guest_count: 20,
      budget_cents: 5000,
      shopping_list: [
        { name: 'pumpkins', quantity: 4, unit: null, note: null, checked: false, estimated_cost_cents: 2000 },
        {
          name: 'fake blood',
          quantity: 0.5,
          unit: 'l',
          note: null,
          checked: true,
          estimated_cost_cents: 3500,
        },
        {
          name: 'candles',
          quantity: null,
          unit: null,
          note: null,
          checked: false,
          estimated_cost_cents: null,
        },
      ],
      shopping_total_cents: 5500,
      items_remaining: 2,
      budget_remaining_cents: -500,
      // No family list: everything planned is this list.
      total_cost_cents: 5500,
      total_budget_remaining_cents: -500,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });

    const url = `/hollowtown/api/events/${event.event_id}`;
    expect((await inject({ method: 'GET', url, headers: alice.headers })).json()).toEqual(event);

    const patched = await inject({
      method: 'PATCH',
      url,
      headers: alice.headers,
      payload: { budget_cents: null, shopping_list: [{ name: 'pumpkins', quantity: 4, checked: true }] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      event_name: 'Monster mash',
      guest_count: 20,
      budget_cents: null,
      budget_remaining_cents: null,
      shopping_total_cents: 0,
      items_remaining: 0,
    });

    expect((await inject({ method: 'DELETE', url, headers: alice.headers })).statusCode).toBe(204);
    const gone = await inject({ method: 'GET', url, headers: alice.headers });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('EVENT_NOT_FOUND');
  });

  it('lists events soonest first, by type and date range, page by page', async () => {
    const host = await given(platform).user();
    await createOk(host, party({ event_name: 'Costume contest', event_date: '2025-10-25' }));
    await createOk(
      host,
      party({ event_name: 'Haunted barn', event_type: 'haunted-house', event_date: '2025-10-30' }),
    );
    await createOk(
      host,
      party({ event_name: 'Candy run', event_type: 'trick-or-treat', event_date: '2025-10-31' }),
    );
    await createOk(host, party({ event_name: 'Big party', event_date: '2025-10-31' }));
    await createOk(host, party({ event_name: 'Next year', event_date: '2026-10-31' }));

    const page = async (query: string) => {
      const response = await inject({
        method: 'GET',
        url: `/hollowtown/api/events${query}`,
        headers: host.headers,
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as {
        items: { event_name: string; event_date: string }[];
        next_cursor: string | null;
      };
    };
    const all = await page('');
    expect(all.items.map((e) => e.event_date)).toEqual([
      '2025-10-25',
      '2025-10-30',
      '2025-10-31',
      '2025-10-31',
      '2026-10-31',
    ]);
    expect(
      (await page('?event_type=haunted-house&event_type=trick-or-treat')).items.map((e) => e.event_name),
    ).toEqual(['Haunted barn', 'Candy run']);
    expect((await page('?from=2025-10-30&to=2025-10-31')).items).toHaveLength(3);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const result = await page(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...result.items.map((e) => e.event_name));
      cursor = result.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((e) => e.event_name));

    const inverted = await inject({
      method: 'GET',
      url: '/hollowtown/api/events?from=2025-11-01&to=2025-10-01',
      headers: host.headers,
    });
    expect(inverted.statusCode).toBe(400);
    const badDate = await inject({
      method: 'GET',
      url: '/hollowtown/api/events?from=yesterday',
      headers: host.headers,
    });
    expect(badDate.statusCode).toBe(400);
  });

  it('refuses what is out of limits and writes nothing', async () => {
    const strict = await given(platform).user();
    const cases: [string, Record<string, unknown>][] = [
      ['no date', { event_name: 'x', event_type: 'party' }],
      ['not a day', party({ event_date: '2025-02-30' })],
      ['year 0', party({ event_date: '0000-10-31' })],
      ['a time, not a day', party({ event_date: '2025-10-31T20:00:00Z' })],
      ['unknown type', party({ event_type: 'rave' })],
      ['blank name', party({ event_name: ' ' })],
      ['negative guests', party({ guest_count: -1 })],
      ['too many guests', party({ guest_count: 100_001 })],
      ['negative budget', party({ budget_cents: -5 })],
      ['fractional budget', party({ budget_cents: 10.5 })],
      ['long location', party({ location: 'x'.repeat(301) })],
      ['item without name', party({ shopping_list: [{ quantity: 2 }] })],
      ['item extra key', party({ shopping_list: [{ name: 'x', store: 'y' }] })],
      ['item negative cost', party({ shopping_list: [{ name: 'x', estimated_cost_cents: -1 }] })],
      ['too many items', party({ shopping_list: Array.from({ length: 201 }, () => ({ name: 'x' })) })],
      ['list not an array', party({ shopping_list: { name: 'x' } })],
    ];
    for (const [label, payload] of cases) {
      const response = await create(strict, payload);
      expect(response.statusCode, label).toBe(400);
      expect(response.json().error.code, label).toBe('VALIDATION_FAILED');
    }
    const list = await inject({ method: 'GET', url: '/hollowtown/api/events', headers: strict.headers });
    expect(list.json().items).toEqual([]);

    const event = await createOk(strict, party());
    const patch = await inject({
      method: 'PATCH',
      url: `/hollowtown/api/events/${event.event_id}`,
      headers: strict.headers,
      payload: { guest_count: 5, shopping_list: [{ name: '' }] },
    });
    expect(patch.statusCode).toBe(400);
    const after = await inject({
      method: 'GET',
      url: `/hollowtown/api/events/${event.event_id}`,
      headers: strict.headers,
    });
    expect(after.json().guest_count).toBe(0);
  });
});
