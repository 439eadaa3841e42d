import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { nextMillisecond } from '../../../test/support/ordering.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';

describe.each(testEngines())('haunted-house plans on %s', (engine) => {
  let platform: TestPlatform;
  const inject = (options: InjectOptions) => platform.app.inject(options);

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown'] });
  });
  afterAll(() => platform.close());

  const create = (user: TestUser, payload: Record<string, unknown>) =>
    inject({ method: 'POST', url: '/hollowtown/api/haunted-house/plans', headers: user.headers, payload });
  const createOk = async (user: TestUser, payload: Record<string, unknown>) => {
    const response = await create(user, payload);
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };

  it('plans a room, changes and deletes it', async () => {
    const alice = await given(platform).user();
    const room = await createOk(alice, {
      room_name: "The surgeon's parlour",
      scare_level: 8,
      props_needed: [
        { name: 'fog machine', quantity: 1 },
        { name: 'rubber scalpel', quantity: 3, note: 'blunt' },
      ],
      setup_instructions: ['Black out the windows.', 'Hide the fog machine under the table.'],
    });
    expect(room).toEqual({
      plan_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      room_name: "The surgeon's parlour",
      scare_level: 8,
      props_needed: [
        { name: 'fog machine', quantity: 1, note: null },
        { name: 'rubber scalpel', quantity: 3, note: 'blunt' },
      ],
      setup_instructions: ['Black out the windows.', 'Hide the fog machine under the table.'],
      is_published: false,
      is_mine: true,
      votes: 0,
      has_voted: false,
      moderation: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const url = `/hollowtown/api/haunted-house/plans/${room.plan_id}`;
    expect((await inject({ method: 'GET', url, headers: alice.headers })).json()).toEqual(room);
    const patched = await inject({
      method: 'PATCH',
      url,
      headers: alice.headers,
      payload: { scare_level: 10, setup_instructions: [] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      room_name: "The surgeon's parlour",
      scare_level: 10,
      setup_instructions: [],
    });
    expect((await inject({ method: 'DELETE', url, headers: alice.headers })).statusCode).toBe(204);
    const gone = await inject({ method: 'GET', url, headers: alice.headers });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('HAUNTED_HOUSE_PLAN_NOT_FOUND');
  });

  it('lists rooms newest first, by scare level and text, page by page', async () => {
    const builder = await given(platform).user();
    await createOk(builder, { room_name: 'Foyer', scare_level: 2 });
    await nextMillisecond();
    await createOk(builder, { room_name: 'Crypt', scare_level: 9, props_needed: [{ name: 'coffin' }] });
    await nextMillisecond();
    await createOk(builder, { room_name: 'Attic', scare_level: 6 });
    const names = async (query: string) => {
      const response = await inject({
        method: 'GET',
        url: `/hollowtown/api/haunted-house/plans${query}`,
        headers: builder.headers,
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json().items.map((p: { room_name: string }) => p.room_name);
    };
    expect(await names('')).toEqual(['Attic', 'Crypt', 'Foyer']);
    expect(await names('?scare_min=5')).toEqual(['Attic', 'Crypt']);
    expect(await names('?scare_max=5')).toEqual(['Foyer']);
    expect(await names('?q=COFFIN')).toEqual(['Crypt']);
    const first = await inject({
      method: 'GET',
      url: '/hollowtown/api/haunted-house/plans?limit=2',
      headers: builder.headers,
    });
    const second = await inject({
      method: 'GET',
      url: `/hollowtown/api/haunted-house/plans?limit=2&cursor=${first.json().next_cursor}`,
      headers: builder.headers,
    });
    expect(second.json()).toMatchObject({ items: [{ room_name: 'Foyer' }], next_cursor: null });
    const inverted = await inject({
      method: 'GET',
      url: '/hollowtown/api/haunted-house/plans?scare_min=9&scare_max=1',
      headers: builder.headers,
    });
    expect(inverted.statusCode).toBe(400);
  });

  it('refuses what is out of limits with a 400 and writes nothing', async () => {
    const strict = await given(platform).user();
    const cases: [string, Record<string, unknown>][] = [
      ['no scare level', { room_name: 'x' }],
      ['scare 0', { room_name: 'x', scare_level: 0 }],
      ['scare 11', { room_name: 'x', scare_level: 11 }],
      ['scare 5.5', { room_name: 'x', scare_level: 5.5 }],
      ['blank room', { room_name: '\t', scare_level: 5 }],
      ['prop without name', { room_name: 'x', scare_level: 5, props_needed: [{}] }],
      ['prop fractional', { room_name: 'x', scare_level: 5, props_needed: [{ name: 'bat', quantity: 1.5 }] }],
      [
        'too many props',
        {
          room_name: 'x',
          scare_level: 5,
          props_needed: Array.from({ length: 101 }, () => ({ name: 'bat' })),
        },
      ],
      [
        'too many steps',
        { room_name: 'x', scare_level: 5, setup_instructions: Array.from({ length: 51 }, () => 'go') },
      ],
      ['steps not strings', { room_name: 'x', scare_level: 5, setup_instructions: [1] }],
    ];
    for (const [label, payload] of cases) {
      const response = await create(strict, payload);
      expect(response.statusCode, label).toBe(400);
      expect(response.json().error.code, label).toBe('VALIDATION_FAILED');
    }
    const list = await inject({
      method: 'GET',
      url: '/hollowtown/api/haunted-house/plans',
      headers: strict.headers,
    });
    expect(list.json().items).toEqual([]);
  });
});
