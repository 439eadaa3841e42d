// Cookbooks: CRUD, order and pages for their owner; who else sees one (public: everyone signed
// in, family: members while owner and viewer belong, private: nobody) and which of its recipes
// (never a recipe they may not read); limits; another person's or an unknown id is a 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { injectCall, joinFamily } from '../../../test/support/family.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { LIMITS } from '../service/limits.ts';
import { recipesApi } from '../testing.ts';

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

describe.each(testEngines())('cookbooks on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof recipesApi>;
  let cook: TestUser;
  let other: TestUser;
  const db = () => platform.databases.get('recipes');

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'recipes', 'family'] });
    api = recipesApi(platform);
    cook = await given(platform).user();
    other = await given(platform).user();
  });
  afterAll(() => platform.close());

  const book = async (user: TestUser, body: Record<string, unknown>) => {
    const response = await api.post(user, '/recipes/api/cookbooks', body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };
  const entryIds = async (user: TestUser, cookbookId: string, query = '') => {
    const response = await api.get(user, `/recipes/api/cookbooks/${cookbookId}/recipes${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return (response.json().items as { recipe_id: string }[]).map((r) => r.recipe_id);
  };

  it('lets its owner make, change, fill, order, page and delete a cookbook', async () => {
    const soup = await api.recipe(cook, { recipe_name: 'Soup' });
    const stew = await api.recipe(other, { recipe_name: 'Stew', is_published: true });
    const pie = await api.recipe(cook, { recipe_name: 'Pie' });
    const created = await book(cook, { title: '  Winter  ', description: '' });
    expect(created).toMatchObject({
      title: 'Winter',
      description: null,
      visibility: 'private',
      family_id: null,
      is_mine: true,
      recipe_count: 0,
    });
    const id = created.cookbook_id;
    for (const recipe of [soup, stew, pie]) {
      const added = await api.put(cook, `/recipes/api/cookbooks/${id}/recipes/${recipe.recipe_id}`);
      expect(added.statusCode, added.body).toBe(200);
    }
    // Adding again changes nothing.
    const again = await api.put(cook, `/recipes/api/cookbooks/${id}/recipes/${soup.recipe_id}`);
    expect(again.json()).toMatchObject({ position: 0, recipe_count: 3 });
    expect(await entryIds(cook, id)).toEqual([soup.recipe_id, stew.recipe_id, pie.recipe_id]);

    const order = [pie.recipe_id, soup.recipe_id, stew.recipe_id];
    const reordered = await api.put(cook, `/recipes/api/cookbooks/${id}/order`, { recipe_ids: order });
    expect(reordered.statusCode, reordered.body).toBe(200);
    expect(await entryIds(cook, id)).toEqual(order);
    // An order that leaves one out, repeats one or names a stranger is refused.
    for (const wrong of [order.slice(1), [...order, pie.recipe_id], [...order.slice(1), NO_SUCH_ID]]) {
      const refused = await api.put(cook, `/recipes/api/cookbooks/${id}/order`, { recipe_ids: wrong });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.code).toBe('COOKBOOK_ORDER_MISMATCH');
    }

    // Pages of two, in the cookbook's order.
    const first = (await api.get(cook, `/recipes/api/cookbooks/${id}/recipes?limit=2`)).json();
    expect(first.items.map((r: { recipe_id: string }) => r.recipe_id)).toEqual(order.slice(0, 2));
    expect(await entryIds(cook, id, `?limit=2&cursor=${first.next_cursor}`)).toEqual(order.slice(2));
    expect((await api.get(cook, `/recipes/api/cookbooks/${id}/recipes?cursor=nonsense`)).statusCode).toBe(
      400,
    );

    const changed = await api.patch(cook, `/recipes/api/cookbooks/${id}`, {
      title: 'Cold days',
      description: 'Warm food',
    });
    expect(changed.json()).toMatchObject({ title: 'Cold days', description: 'Warm food', recipe_count: 3 });
    expect(
      (await api.delete(cook, `/recipes/api/cookbooks/${id}/recipes/${soup.recipe_id}`)).statusCode,
    ).toBe(204);
    expect(
      (await api.delete(cook, `/recipes/api/cookbooks/${id}/recipes/${soup.recipe_id}`)).statusCode,
    ).toBe(204);
    expect(await entryIds(cook, id)).toEqual([pie.recipe_id, stew.recipe_id]);

    // Cookbooks newest first, paged; ?recipe_id says which hold a recipe.
    const second = await book(cook, { title: 'Summer' });
    const mine = (await api.get(cook, `/recipes/api/cookbooks?limit=1&recipe_id=${pie.recipe_id}`)).json();
    expect(mine.items.map((c: { title: string }) => c.title)).toEqual(['Summer']);
    expect(mine.items[0].has_recipe).toBe(false);
    const next = (
      await api.get(
        cook,
        `/recipes/api/cookbooks?limit=1&recipe_id=${pie.recipe_id}&cursor=${mine.next_cursor}`,
      )
    ).json();
    expect(next.items.map((c: { title: string; has_recipe: boolean }) => [c.title, c.has_recipe])).toEqual([
      ['Cold days', true],
    ]);

    expect((await api.delete(cook, `/recipes/api/cookbooks/${id}`)).statusCode).toBe(204);
    expect((await api.get(cook, `/recipes/api/cookbooks/${id}`)).statusCode).toBe(404);
    expect((await api.get(cook, `/recipes/api/recipes/${soup.recipe_id}`)).statusCode).toBe(200);
    const { rows } = await db().query('SELECT 1 FROM cookbook_recipes WHERE cookbook_id = $1', [id]);
    expect(rows).toEqual([]);
    await api.delete(cook, `/recipes/api/cookbooks/${second.cookbook_id}`);
  });

  it('answers 404 for another person’s private cookbook, an unknown id and a malformed one, and changes nothing', async () => {
    const secret = await api.recipe(cook, { recipe_name: 'Secret' });
    const mine = await book(cook, { title: 'Private' });
    await api.put(cook, `/recipes/api/cookbooks/${mine.cookbook_id}/recipes/${secret.recipe_id}`);
    const theirs = await api.recipe(other, { recipe_name: 'Theirs' });
    for (const id of [mine.cookbook_id, NO_SUCH_ID, 'not-an-id']) {
      const calls = [
        api.get(other, `/recipes/api/cookbooks/${id}`),
        api.patch(other, `/recipes/api/cookbooks/${id}`, { title: 'Mine now' }),
        api.delete(other, `/recipes/api/cookbooks/${id}`),
        api.get(other, `/recipes/api/cookbooks/${id}/recipes`),
        api.get(other, `/recipes/api/cookbooks/${id}/recipes/${secret.recipe_id}`),
        api.put(other, `/recipes/api/cookbooks/${id}/recipes/${theirs.recipe_id}`),
        api.delete(other, `/recipes/api/cookbooks/${id}/recipes/${secret.recipe_id}`),
        api.put(other, `/recipes/api/cookbooks/${id}/order`, { recipe_ids: [secret.recipe_id] }),
      ];
      for (const response of await Promise.all(calls)) {
        expect(response.statusCode, `${id} ${response.body}`).toBe(404);
        expect(response.json().error.code).toBe('COOKBOOK_NOT_FOUND');
      }
    }
    expect(await entryIds(cook, mine.cookbook_id)).toEqual([secret.recipe_id]);
    expect((await api.get(cook, `/recipes/api/cookbooks/${mine.cookbook_id}`)).json().title).toBe('Private');
    // The owner cannot put someone else's private recipe in: 404, as if it did not exist.
    const sneaky = await api.put(
      cook,
      `/recipes/api/cookbooks/${mine.cookbook_id}/recipes/${theirs.recipe_id}`,
    );
    expect(sneaky.statusCode).toBe(404);
    expect(sneaky.json().error.code).toBe('RECIPE_NOT_FOUND');
    // Not in anyone else's lists either.
    for (const scope of ['mine', 'public', 'family']) {
      const listed = await api.get(other, `/recipes/api/cookbooks?scope=${scope}`);
      expect(listed.statusCode).toBe(200);
      expect(JSON.stringify(listed.json())).not.toContain(mine.cookbook_id);
    }
  });

  it('shows a public cookbook to everyone, with only the recipes each may read, at every read', async () => {
    const published = await api.recipe(cook, { recipe_name: 'Published', is_published: true });
    const privateOne = await api.recipe(cook, { recipe_name: 'Private one' });
    const borrowed = await api.recipe(other, { recipe_name: 'Borrowed', is_published: true });
    const shown = await book(cook, { title: 'Open book', visibility: 'public' });
    const id = shown.cookbook_id;
    for (const recipe of [published, privateOne, borrowed])
      await api.put(cook, `/recipes/api/cookbooks/${id}/recipes/${recipe.recipe_id}`);

    const reader = await given(platform).user();
    expect(await entryIds(reader, id)).toEqual([published.recipe_id, borrowed.recipe_id]);
    expect((await api.get(reader, `/recipes/api/cookbooks/${id}`)).json()).toMatchObject({
      is_mine: false,
      recipe_count: 2,
      visibility: 'public',
    });
    const hidden = await api.get(reader, `/recipes/api/cookbooks/${id}/recipes/${privateOne.recipe_id}`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error.code).toBe('RECIPE_NOT_FOUND');
    const publicList = (await api.get(reader, '/recipes/api/cookbooks?scope=public&limit=100')).json();
    expect(publicList.items.map((c: { cookbook_id: string }) => c.cookbook_id)).toContain(id);

    // The borrowed recipe's author takes it back: it leaves the cookbook for everyone, owner included.
    await api.patch(other, `/recipes/api/recipes/${borrowed.recipe_id}`, { is_published: false });
    expect(await entryIds(reader, id)).toEqual([published.recipe_id]);
    expect(await entryIds(cook, id)).toEqual([published.recipe_id, privateOne.recipe_id]);
    expect(await entryIds(other, id)).toEqual([published.recipe_id, borrowed.recipe_id]);
    expect(
      (await api.get(reader, `/recipes/api/cookbooks/${id}/recipes/${borrowed.recipe_id}`)).statusCode,
    ).toBe(404);
    // The owner orders what they see; the one they no longer see keeps its place after.
    const reorder = await api.put(cook, `/recipes/api/cookbooks/${id}/order`, {
      recipe_ids: [privateOne.recipe_id, published.recipe_id],
    });
    expect(reorder.statusCode, reorder.body).toBe(200);
    expect(await entryIds(other, id)).toEqual([published.recipe_id, borrowed.recipe_id]);
    expect(await entryIds(cook, id)).toEqual([privateOne.recipe_id, published.recipe_id]);

    // Reported until moderation hides it: it leaves the public cookbook too.
    for (let i = 0; i < 3; i += 1) {
      const reporter = await given(platform).user();
      const report = await api.post(reporter, `/recipes/api/recipes/${published.recipe_id}/report`, {
        reason: 'Not a recipe',
      });
      expect(report.statusCode).toBe(201);
    }
    expect(await entryIds(reader, id)).toEqual([]);
    expect((await api.get(reader, `/recipes/api/cookbooks/${id}`)).json().recipe_count).toBe(0);

    // Made private again: nobody else sees it.
    await api.patch(cook, `/recipes/api/cookbooks/${id}`, { visibility: 'private' });
    expect((await api.get(reader, `/recipes/api/cookbooks/${id}`)).statusCode).toBe(404);
  });

  it('shares a family cookbook, with the owner’s own recipes, with the family only while both belong', async () => {
    const call = injectCall(platform);
    const parent = await given(platform).user();
    const child = await given(platform).user();
    const outsider = await given(platform).user();
    const family = await call(parent, 'POST', '/family/api/families', { family_name: 'The Cooks' });
    expect(family.status).toBe(201);
    const familyId = family.body.family_id as string;
    const joined = await joinFamily(call, { familyId, admin: parent, invitee: child, login: child.username });
    const othersFamily = (await call(outsider, 'POST', '/family/api/families', { family_name: 'Others' }))
      .body.family_id as string;

    const families = (await api.get(parent, '/recipes/api/cookbooks/families')).json();
    expect(families.items).toEqual([{ family_id: familyId, family_name: 'The Cooks' }]);
    expect(
      (await api.get(outsider, '/recipes/api/cookbooks/families'))
        .json()
        .items.map((f: { family_id: string }) => f.family_id),
    ).toEqual([othersFamily]);
    const secret = await api.recipe(parent, { recipe_name: 'Grandma’s secret' });
    const shared = await book(parent, { title: 'Family book', visibility: 'family', family_id: familyId });
    expect(shared).toMatchObject({ visibility: 'family', family_id: familyId });
    await api.put(parent, `/recipes/api/cookbooks/${shared.cookbook_id}/recipes/${secret.recipe_id}`);

    expect(await entryIds(child, shared.cookbook_id)).toEqual([secret.recipe_id]);
    const read = await api.get(
      child,
      `/recipes/api/cookbooks/${shared.cookbook_id}/recipes/${secret.recipe_id}`,
    );
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ recipe_name: 'Grandma’s secret', is_mine: false, position: 0 });
    // The cookbook lets the family read it there, not anywhere else.
    expect((await api.get(child, `/recipes/api/recipes/${secret.recipe_id}`)).statusCode).toBe(404);
    const familyList = (await api.get(child, '/recipes/api/cookbooks?scope=family')).json();
    expect(familyList.items.map((c: { cookbook_id: string }) => c.cookbook_id)).toEqual([shared.cookbook_id]);
    // Nor may the child change it.
    expect(
      (await api.patch(child, `/recipes/api/cookbooks/${shared.cookbook_id}`, { title: 'Ours' })).statusCode,
    ).toBe(404);

    // Someone outside the family: 404 everywhere, and nothing listed.
    for (const url of [
      `/recipes/api/cookbooks/${shared.cookbook_id}`,
      `/recipes/api/cookbooks/${shared.cookbook_id}/recipes`,
      `/recipes/api/cookbooks/${shared.cookbook_id}/recipes/${secret.recipe_id}`,
    ]) {
      const response = await api.get(outsider, url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('COOKBOOK_NOT_FOUND');
    }
    expect((await api.get(outsider, '/recipes/api/cookbooks?scope=family')).json().items).toEqual([]);

    // A family the owner is not in, or one that does not exist: 404; family_id without family: 400.
    for (const id of [othersFamily, NO_SUCH_ID, 'nope']) {
      const refused = await api.post(parent, '/recipes/api/cookbooks', {
        title: 'Theirs',
        visibility: 'family',
        family_id: id,
      });
      expect(refused.statusCode, id).toBe(404);
      expect(refused.json().error.code).toBe('FAMILY_NOT_FOUND');
    }
    const moved = await api.patch(parent, `/recipes/api/cookbooks/${shared.cookbook_id}`, {
      family_id: othersFamily,
    });
    expect(moved.statusCode).toBe(404);
    expect(
      (
        await api.post(parent, '/recipes/api/cookbooks', {
          title: 'x',
          visibility: 'private',
          family_id: familyId,
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (await api.post(parent, '/recipes/api/cookbooks', { title: 'x', visibility: 'family' })).statusCode,
    ).toBe(400);

    // The child leaves the family: the cookbook is gone for them.
    const removed = await call(
      parent,
      'DELETE' as 'POST',
      `/family/api/families/${familyId}/members/${joined.memberId}`,
    );
    expect(removed.status).toBeLessThan(300);
    expect((await api.get(child, `/recipes/api/cookbooks/${shared.cookbook_id}`)).statusCode).toBe(404);
    expect((await api.get(child, '/recipes/api/cookbooks?scope=family')).json().items).toEqual([]);
  });

  it('keeps to the limits: title and description lengths, cookbooks per account, recipes per cookbook', async () => {
    const user = await given(platform).user();
    for (const body of [
      { title: '' },
      { title: '   ' },
      { title: 'x'.repeat(LIMITS.cookbookTitle + 1) },
      { title: 'ok', description: 'x'.repeat(LIMITS.cookbookDescription + 1) },
      { title: 'ok', visibility: 'everyone' },
      { title: 'ok', extra: true },
    ]) {
      const refused = await api.post(user, '/recipes/api/cookbooks', body);
      expect(refused.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect(
      (await api.post(user, '/recipes/api/cookbooks', { title: 'x'.repeat(LIMITS.cookbookTitle) }))
        .statusCode,
    ).toBe(201);
    await db().query(
      `INSERT INTO cookbooks (user_id, title, visibility, created_at, updated_at)
       SELECT $1, 'Book ' || g, 'private', now(), now() FROM generate_series(2, $2::int) AS g`,
      [user.userId, LIMITS.cookbooks],
    );
    const tooMany = await api.post(user, '/recipes/api/cookbooks', { title: 'One more' });
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.json().error).toMatchObject({
      code: 'COOKBOOK_LIMIT_REACHED',
      details: { limit: LIMITS.cookbooks },
    });

    const full = (await api.get(user, '/recipes/api/cookbooks?limit=1')).json().items[0];
    await db().query(
      `WITH made AS (
         INSERT INTO recipes (user_id, recipe_name, difficulty)
         SELECT $1, 'Recipe ' || g, 'easy' FROM generate_series(1, $3::int) AS g RETURNING recipe_id)
       INSERT INTO cookbook_recipes (cookbook_id, recipe_id, position, added_at)
       SELECT $2, recipe_id, row_number() OVER (ORDER BY recipe_id) - 1, now() FROM made`,
      [user.userId, full.cookbook_id, LIMITS.cookbookRecipes],
    );
    const extra = await api.recipe(user, { recipe_name: 'One too many' });
    const refused = await api.put(
      user,
      `/recipes/api/cookbooks/${full.cookbook_id}/recipes/${extra.recipe_id}`,
    );
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('COOKBOOK_FULL');
    const { rows } = await db().query<{ n: number }>(
      'SELECT count(*)::int AS n FROM cookbook_recipes WHERE cookbook_id = $1',
      [full.cookbook_id],
    );
    expect(rows[0]?.n).toBe(LIMITS.cookbookRecipes);
  });
});
