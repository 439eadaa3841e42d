// Favourites: marked on recipes a person may read, found again with ?favourites=true, gone with
// the recipe, and another person's private recipe is a 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { recipesApi } from '../testing.ts';

describe.each(testEngines())('favourites on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof recipesApi>;
  let cook: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'recipes'] });
    api = recipesApi(platform);
    cook = await given(platform).user();
    other = await given(platform).user();
  });
  afterAll(() => platform.close());

  const favouriteIds = async (user: TestUser, query = '') => {
    const page = await api.get(user, `/recipes/api/recipes?favourites=true${query}`);
    expect(page.statusCode).toBe(200);
    return (page.json().items as Array<{ recipe_id: string }>).map((r) => r.recipe_id);
  };

  it('marks own and published recipes once, lists only them, and takes the mark off', async () => {
    const mine = await api.recipe(cook, { recipe_name: 'My soup' });
    const published = await api.recipe(other, { recipe_name: 'Their stew', is_published: true });
    await api.recipe(other, { recipe_name: 'Their other stew', is_published: true });

    for (const recipe of [mine, published]) {
      const url = `/recipes/api/recipes/${recipe.recipe_id}/favourite`;
      const marked = await api.put(cook, url);
      expect(marked.statusCode).toBe(200);
      expect(marked.json()).toEqual({ recipe_id: recipe.recipe_id, is_favourite: true });
      // Again: the same answer, still one mark.
      expect((await api.put(cook, url)).json()).toEqual({ recipe_id: recipe.recipe_id, is_favourite: true });
    }
    expect((await favouriteIds(cook)).sort()).toEqual([mine.recipe_id, published.recipe_id].sort());
    expect(await favouriteIds(cook, '&scope=published')).toEqual([published.recipe_id]);
    expect(await favouriteIds(other)).toEqual([]);
    const { rows } = await platform.databases
      .get('recipes')
      .query<{ n: number }>('SELECT count(*)::int AS n FROM recipe_favourites WHERE user_id = $1', [
        cook.userId,
      ]);
    expect(rows[0]?.n).toBe(2);

    const detail = await api.get(cook, `/recipes/api/recipes/${published.recipe_id}`);
    expect(detail.json()).toMatchObject({ is_favourite: true });
    // The mark is the cook's own: the author does not see it as theirs.
    expect((await api.get(other, `/recipes/api/recipes/${published.recipe_id}`)).json().is_favourite).toBe(
      false,
    );

    const off = await api.delete(cook, `/recipes/api/recipes/${published.recipe_id}/favourite`);
    expect(off.statusCode).toBe(200);
    expect(off.json()).toEqual({ recipe_id: published.recipe_id, is_favourite: false });
    expect((await api.delete(cook, `/recipes/api/recipes/${published.recipe_id}/favourite`)).statusCode).toBe(
      200,
    );
    expect(await favouriteIds(cook)).toEqual([mine.recipe_id]);
  });

  it('answers 404 for another person’s private recipe, an unknown id and a malformed one', async () => {
    const secret = await api.recipe(other, { recipe_name: 'Secret sauce' });
    for (const id of [secret.recipe_id, '00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      const answer = await api.put(cook, `/recipes/api/recipes/${id}/favourite`);
      expect(answer.statusCode, id).toBe(404);
      expect(answer.json().error.code).toBe('RECIPE_NOT_FOUND');
      expect((await api.delete(cook, `/recipes/api/recipes/${id}/favourite`)).statusCode).toBe(404);
    }
    expect((await api.put(undefined, `/recipes/api/recipes/${secret.recipe_id}/favourite`)).statusCode).toBe(
      401,
    );
    expect((await api.get(cook, '/recipes/api/recipes?favourites=maybe')).statusCode).toBe(400);
  });

  it('drops the mark when the recipe is deleted', async () => {
    const recipe = await api.recipe(other, { recipe_name: 'Short-lived', is_published: true });
    await api.put(cook, `/recipes/api/recipes/${recipe.recipe_id}/favourite`);
    expect(await favouriteIds(cook)).toContain(recipe.recipe_id);
    expect((await api.delete(other, `/recipes/api/recipes/${recipe.recipe_id}`)).statusCode).toBe(204);
    expect(await favouriteIds(cook)).not.toContain(recipe.recipe_id);
  });
});
