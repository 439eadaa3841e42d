import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given } from '../../../test/support/given.ts';
import { nextMillisecond } from '../../../test/support/ordering.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { familyApi } from '../test-helpers.ts';

describe.each(testEngines())('todo lists and items on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof familyApi>;
  const db = () => platform.databases.get('family');

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'family'] });
    api = familyApi(platform);
  });
  afterAll(() => platform.close());

  it('creates, reads, renames and deletes a list; counts its items', async () => {
    const family = await api.family(['parent']);
    const created = await api.call(family.admin, 'POST', '/api/todos', {
      family_id: family.familyId,
      list_name: 'Weekend chores',
      list_type: 'chores',
    });
    expect(created.statusCode).toBe(201);
    const list = created.json();
    expect(list).toMatchObject({
      family_id: family.familyId,
      list_name: 'Weekend chores',
      list_type: 'chores',
      created_by: family.admin.userId,
      item_count: 0,
      open_item_count: 0,
    });
    await api.item(family.admin, list.list_id);
    await api.item(family.admin, list.list_id, { status: 'done' });
    const read = api.expectStatus(
      await api.call(family.byRole('parent'), 'GET', `/api/todos/${list.list_id}`),
      200,
    );
    expect(read).toMatchObject({ item_count: 2, open_item_count: 1 });

    const renamed = await api.call(family.admin, 'PATCH', `/api/todos/${list.list_id}`, {
      list_name: 'Saturday chores',
      list_type: 'shared',
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ list_name: 'Saturday chores', list_type: 'shared' });
    const toPersonal = await api.call(family.admin, 'PATCH', `/api/todos/${list.list_id}`, {
      list_type: 'personal',
    });
    expect(toPersonal.statusCode).toBe(400);
    expect(toPersonal.json().error.code).toBe('LIST_TYPE_FIXED');

    expect((await api.call(family.admin, 'DELETE', `/api/todos/${list.list_id}`)).statusCode).toBe(204);
    expect((await api.call(family.admin, 'GET', `/api/todos/${list.list_id}`)).statusCode).toBe(404);
    const { rows } = await db().query('SELECT count(*) AS n FROM todo_items WHERE list_id = $1', [
      list.list_id,
    ]);
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('lists the lists of one family or of all of mine, paged, with a type filter', async () => {
    const first = await api.family(['parent']);
    const parent = first.byRole('parent');
    const second = api.expectStatus(
      await api.call(parent, 'POST', '/api/families', { family_name: 'Mine' }),
      201,
    );
    const names: string[] = [];
    for (let i = 0; i < 3; i++)
      names.push((await api.list(first.admin, first.familyId, 'shared', `A${i}`)).list_name);
    await api.list(parent, second.family_id, 'chores', 'B0');

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const suffix: string = cursor ? `&cursor=${cursor}` : '';
      const page = api.expectStatus(
        await api.call(parent, 'GET', `/api/todos?family_id=${first.familyId}&limit=2${suffix}`),
        200,
      );
      pages.push(...page.items.map((l: { list_name: string }) => l.list_name));
      cursor = page.next_cursor;
    } while (cursor);
    expect(pages).toEqual(names);

    const all = api.expectStatus(await api.call(parent, 'GET', '/api/todos?limit=100'), 200);
    expect(all.items.map((l: { list_name: string }) => l.list_name)).toEqual(['A0', 'A1', 'A2', 'B0']);
    const chores = api.expectStatus(await api.call(parent, 'GET', '/api/todos?list_type=chores'), 200);
    expect(chores.items.map((l: { list_name: string }) => l.list_name)).toEqual(['B0']);
    // The admin of the first family is not in the second.
    const admins = api.expectStatus(await api.call(first.admin, 'GET', '/api/todos'), 200);
    expect(admins.items).toHaveLength(3);
    const notMine = await api.call(first.admin, 'GET', `/api/todos?family_id=${second.family_id}`);
    expect(notMine.statusCode).toBe(404);
    expect(notMine.json().error.code).toBe('FAMILY_NOT_FOUND');
  });

  it('keeps personal lists private to their owner', async () => {
    const family = await api.family(['parent', 'child']);
    const child = family.byRole('child');
    const diary = await api.list(child, family.familyId, 'personal', 'My list');
    const item = await api.item(child, diary.list_id, {
      title: 'Feed the spider',
      assigned_to: child.userId,
    });
    expect(item.assigned_to).toBe(child.userId);
    for (const other of [family.admin, family.byRole('parent')]) {
      expect((await api.call(other, 'GET', `/api/todos/${diary.list_id}`)).statusCode).toBe(404);
      expect((await api.call(other, 'GET', `/api/todos/${diary.list_id}/items`)).statusCode).toBe(404);
      expect((await api.call(other, 'DELETE', `/api/todos/${diary.list_id}`)).statusCode).toBe(404);
      const lists = api.expectStatus(
        await api.call(other, 'GET', `/api/todos?family_id=${family.familyId}`),
        200,
      );
      expect(lists.items).toEqual([]);
    }
    const foreign = await api.call(child, 'POST', `/api/todos/${diary.list_id}/items`, {
      title: 'x',
      assigned_to: family.admin.userId,
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.code).toBe('PERSONAL_LIST_ASSIGNEE');
    const shared = await api.call(child, 'PATCH', `/api/todos/${diary.list_id}`, { list_type: 'shared' });
    expect(shared.json().error.code).toBe('LIST_TYPE_FIXED');
    expect(
      (await api.call(child, 'PATCH', `/api/todos/${diary.list_id}`, { list_name: 'Mine' })).statusCode,
    ).toBe(200);
    expect((await api.call(child, 'DELETE', `/api/todos/${diary.list_id}`)).statusCode).toBe(204);
  });

  it('assigns items to members only', async () => {
    const family = await api.family(['child']);
    const list = await api.list(family.admin, family.familyId);
    const stranger = await given(platform).user();
    const child = family.byRole('child');
    for (const assignee of [stranger.userId, '00000000-0000-4000-8000-000000000000']) {
      const response = await api.call(family.admin, 'POST', `/api/todos/${list.list_id}/items`, {
        title: 'Sweep',
        assigned_to: assignee,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('ASSIGNEE_NOT_MEMBER');
    }
    const malformed = await api.call(family.admin, 'POST', `/api/todos/${list.list_id}/items`, {
      title: 'Sweep',
      assigned_to: 'not-a-uuid',
    });
    expect(malformed.statusCode).toBe(400);
    const { rows } = await db().query('SELECT count(*) AS n FROM todo_items WHERE list_id = $1', [
      list.list_id,
    ]);
    expect(rows[0]).toEqual({ n: 0 });

    const item = await api.item(family.admin, list.list_id, {
      assigned_to: child.userId,
      priority: 'urgent',
    });
    expect(item).toMatchObject({ assigned_to: child.userId, priority: 'urgent', status: 'todo' });
    const moved = await api.call(family.admin, 'PATCH', `/api/todos/${list.list_id}/items/${item.item_id}`, {
      assigned_to: stranger.userId,
    });
    expect(moved.json().error.code).toBe('ASSIGNEE_NOT_MEMBER');
    const unassigned = await api.call(
      family.admin,
      'PATCH',
      `/api/todos/${list.list_id}/items/${item.item_id}`,
      {
        assigned_to: null,
      },
    );
    expect(unassigned.json().assigned_to).toBeNull();
  });

  it('sets completed_at and completed_by on the server and never takes them from the client', async () => {
    const family = await api.family(['parent', 'child']);
    const child = family.byRole('child');
    const parent = family.byRole('parent');
    const list = await api.list(family.admin, family.familyId);
    const item = await api.item(family.admin, list.list_id, {
      assigned_to: child.userId,
      due_date: '2030-10-31T18:00:00+02:00',
    });
    expect(item).toMatchObject({ status: 'todo', completed_at: null, completed_by: null });
    expect(item.due_date).toBe('2030-10-31T16:00:00.000Z');
    const url = `/api/todos/${list.list_id}/items/${item.item_id}`;

    for (const body of [
      { status: 'done', completed_at: '2020-01-01T00:00:00Z' },
      { completed_by: parent.userId },
      { status: 'finished' },
    ]) {
      const refused = await api.call(child, 'PATCH', url, body);
      expect(refused.statusCode).toBe(400);
    }

    const started = api.expectStatus(await api.call(child, 'PATCH', url, { status: 'in_progress' }), 200);
    expect(started).toMatchObject({ status: 'in_progress', completed_at: null, completed_by: null });
    // The completion time is the platform's clock (not the database server's), so it lies
    // between the clock's readings around the request.
    const before = platform.clock.nowMs();
    const done = api.expectStatus(await api.call(child, 'PATCH', url, { status: 'done' }), 200);
    expect(done).toMatchObject({ status: 'done', completed_by: child.userId });
    expect(Date.parse(done.completed_at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(done.completed_at)).toBeLessThanOrEqual(platform.clock.nowMs());

    // Done again by someone else: the first completion stands.
    const again = api.expectStatus(
      await api.call(parent, 'PATCH', url, { status: 'done', priority: 'low' }),
      200,
    );
    expect(again).toMatchObject({
      completed_by: child.userId,
      completed_at: done.completed_at,
      priority: 'low',
    });
    const reopened = api.expectStatus(await api.call(parent, 'PATCH', url, { status: 'todo' }), 200);
    expect(reopened).toMatchObject({ status: 'todo', completed_at: null, completed_by: null });

    const createdDone = await api.item(parent, list.list_id, { status: 'done' });
    expect(createdDone).toMatchObject({ status: 'done', completed_by: parent.userId });
    expect(createdDone.completed_at).not.toBeNull();
  });

  it('takes a due day (all day) or a due instant, and switches between them', async () => {
    const family = await api.family(['parent']);
    const parent = family.byRole('parent');
    const list = await api.list(family.admin, family.familyId);
    const allDay = await api.item(parent, list.list_id, { title: 'Buy pumpkins', due_date: '2030-12-20' });
    expect(allDay).toMatchObject({ due_date: '2030-12-20', due_all_day: true });
    const timed = await api.item(parent, list.list_id, {
      title: 'Pick up Grandmama',
      due_date: '2030-12-20T18:30:00-05:00',
    });
    expect(timed).toMatchObject({ due_date: '2030-12-20T23:30:00.000Z', due_all_day: false });
    const none = await api.item(parent, list.list_id, { title: 'Someday' });
    expect(none).toMatchObject({ due_date: null, due_all_day: false });

    const url = `/api/todos/${list.list_id}/items/${allDay.item_id}`;
    const toTime = api.expectStatus(
      await api.call(parent, 'PATCH', url, { due_date: '2030-12-21T09:00:00Z' }),
      200,
    );
    expect(toTime).toMatchObject({ due_date: '2030-12-21T09:00:00.000Z', due_all_day: false });
    const backToDay = api.expectStatus(await api.call(parent, 'PATCH', url, { due_date: '2030-12-22' }), 200);
    expect(backToDay).toMatchObject({ due_date: '2030-12-22', due_all_day: true });
    // A change that does not name the due date keeps it.
    const renamed = api.expectStatus(
      await api.call(parent, 'PATCH', url, { title: 'Buy two pumpkins' }),
      200,
    );
    expect(renamed).toMatchObject({ due_date: '2030-12-22', due_all_day: true });
    // Stored as a day, which no time zone moves, or as an instant: never both.
    const { rows } = await db().query(
      'SELECT title, due_on, due_date FROM todo_items WHERE item_id = ANY($1::uuid[]) ORDER BY title',
      [[allDay.item_id, timed.item_id]],
    );
    expect(rows).toEqual([
      { title: 'Buy two pumpkins', due_on: '2030-12-22', due_date: null },
      { title: 'Pick up Grandmama', due_on: null, due_date: new Date('2030-12-20T23:30:00.000Z') },
    ]);
    const cleared = api.expectStatus(await api.call(parent, 'PATCH', url, { due_date: null }), 200);
    expect(cleared).toMatchObject({ due_date: null, due_all_day: false });
    const refused = await api.call(parent, 'PATCH', url, { due_date: '2030-02-29' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('VALIDATION_FAILED');

    const listed = api.expectStatus(await api.call(parent, 'GET', `/api/todos/${list.list_id}/items`), 200);
    expect(listed.items.map((i: { due_date: string | null }) => i.due_date)).toEqual([
      null,
      '2030-12-20T23:30:00.000Z',
      null,
    ]);
  });

  it('lists items oldest first, paged, filtered by status and assignee', async () => {
    const family = await api.family(['child']);
    const child = family.byRole('child');
    const list = await api.list(family.admin, family.familyId);
    const titles: string[] = [];
    for (let i = 0; i < 5; i++) {
      const item = await api.item(family.admin, list.list_id, {
        title: `Task ${i}`,
        assigned_to: i % 2 === 0 ? child.userId : null,
        status: i === 4 ? 'done' : i === 3 ? 'in_progress' : 'todo',
      });
      titles.push(item.title);
      await nextMillisecond();
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const suffix: string = cursor ? `&cursor=${cursor}` : '';
      const page = api.expectStatus(
        await api.call(child, 'GET', `/api/todos/${list.list_id}/items?limit=2${suffix}`),
        200,
      );
      seen.push(...page.items.map((i: { title: string }) => i.title));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(titles);

    const open = api.expectStatus(
      await api.call(child, 'GET', `/api/todos/${list.list_id}/items?status=todo&status=in_progress`),
      200,
    );
    expect(open.items.map((i: { title: string }) => i.title)).toEqual([
      'Task 0',
      'Task 1',
      'Task 2',
      'Task 3',
    ]);
    const mine = api.expectStatus(
      await api.call(
        child,
        'GET',
        `/api/todos/${list.list_id}/items?assigned_to=${child.userId}&status=todo`,
      ),
      200,
    );
    expect(mine.items.map((i: { title: string }) => i.title)).toEqual(['Task 0', 'Task 2']);
    expect((await api.call(child, 'GET', `/api/todos/${list.list_id}/items?status=later`)).statusCode).toBe(
      400,
    );
  });

  it('validates every field with a 400 and writes nothing', async () => {
    const family = await api.family();
    const list = await api.list(family.admin, family.familyId);
    const bad: Record<string, unknown>[] = [
      {},
      { title: '' },
      { title: 'x'.repeat(201) },
      { title: 'ok', description: 'x'.repeat(5001) },
      { title: 'ok', priority: 'whenever' },
      { title: 'ok', due_date: 'tomorrow' },
      { title: 'ok', due_date: '2030-02-30' },
      { title: 'ok', due_date: '0001-01-01' },
      { title: 'ok', due_date: '2030-1-5' },
      { title: 'ok', due_date: '0001-01-01T00:00:00Z' },
      { title: 'ok', status: 'done', completed_at: '2030-01-01T00:00:00Z' },
      { title: 'ok', list_id: list.list_id },
    ];
    for (const body of bad) {
      const response = await api.call(family.admin, 'POST', `/api/todos/${list.list_id}/items`, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    for (const body of [
      { family_id: family.familyId, list_name: '' },
      { family_id: family.familyId, list_name: 'x', list_type: 'secret' },
      { family_id: 'nope', list_name: 'x' },
      { list_name: 'x' },
    ]) {
      expect((await api.call(family.admin, 'POST', '/api/todos', body)).statusCode).toBe(400);
    }
    const { rows } = await db().query('SELECT count(*) AS n FROM todo_items WHERE list_id = $1', [
      list.list_id,
    ]);
    expect(rows[0]).toEqual({ n: 0 });
  });
});
