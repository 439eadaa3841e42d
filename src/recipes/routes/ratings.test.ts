import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { recipesApi } from '../testing.ts';

const RATERS = 24;

describe.each(testEngines())('ratings on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof recipesApi>;
  let author: TestUser;
  let raters: TestUser[];

  /** What the stored figures say, next to what the ratings themselves say. */
  const figures = async (recipeId: string) => {
    const { rows } = await platform.databases.get('recipes').query<{
      rating_avg: number;
      rating_count: number;
      true_avg: number;
      true_count: number;
    }>(
      `SELECT r.rating_avg, r.rating_count,
         COALESCE((SELECT round(avg(rating), 2) FROM recipe_ratings WHERE recipe_id = r.recipe_id), 0) AS true_avg,
         (SELECT count(*)::int FROM recipe_ratings WHERE recipe_id = r.recipe_id) AS true_count
       FROM recipes r WHERE r.recipe_id = $1`,
      [recipeId],
    );
    return rows[0];
  };

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'recipes'] });
    api = recipesApi(platform);
    author = await given(platform).user();
    raters = await Promise.all(Array.from({ length: RATERS }, () => given(platform).user()));
  });
  afterAll(() => platform.close());

  it('rates, re-rates and takes back a rating, one per user', async () => {
    const recipe = await api.recipe(author, { is_published: true });
    const url = `/recipes/api/recipes/${recipe.recipe_id}/rating`;
    const [first, second] = raters as [TestUser, TestUser];
    const rated = await api.put(first, url, { rating: 4 });
    expect(rated.statusCode).toBe(200);
    expect(rated.json()).toEqual({
      recipe_id: recipe.recipe_id,
      my_rating: 4,
      rating_avg: 4,
      rating_count: 1,
    });
    expect((await api.put(second, url, { rating: 5 })).json()).toMatchObject({
      rating_avg: 4.5,
      rating_count: 2,
    });
    expect((await api.put(first, url, { rating: 1 })).json()).toMatchObject({
      my_rating: 1,
      rating_avg: 3,
      rating_count: 2,
    });
    const asFirst = await api.get(first, `/recipes/api/recipes/${recipe.recipe_id}`);
    expect(asFirst.json()).toMatchObject({ my_rating: 1, rating_avg: 3, rating_count: 2 });
    expect((await api.get(author, `/recipes/api/recipes/${recipe.recipe_id}`)).json().my_rating).toBeNull();

    expect((await api.delete(first, url)).statusCode).toBe(204);
    expect((await api.get(first, `/recipes/api/recipes/${recipe.recipe_id}`)).json()).toMatchObject({
      my_rating: null,
      rating_avg: 5,
      rating_count: 1,
    });
    expect((await api.delete(first, url)).statusCode).toBe(204);
    expect((await api.delete(second, url)).statusCode).toBe(204);
    expect(await figures(recipe.recipe_id)).toEqual({
      rating_avg: 0,
      rating_count: 0,
      true_avg: 0,
      true_count: 0,
    });
  });

  it('lets authors rate their own private recipes, and nobody else', async () => {
    const recipe = await api.recipe(author);
    const url = `/recipes/api/recipes/${recipe.recipe_id}/rating`;
    expect((await api.put(author, url, { rating: 5 })).statusCode).toBe(200);
    const stranger = raters[0] as TestUser;
    const refused = await api.put(stranger, url, { rating: 1 });
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe('RECIPE_NOT_FOUND');
    expect((await api.delete(stranger, url)).statusCode).toBe(404);
    expect(await figures(recipe.recipe_id)).toMatchObject({ rating_avg: 5, rating_count: 1 });
  });

  it.each([0, 6, 3.5, '4', null])('refuses the rating %s with 400', async (rating) => {
    const recipe = await api.recipe(author, { is_published: true });
    const response = await api.put(raters[0], `/recipes/api/recipes/${recipe.recipe_id}/rating`, { rating });
    expect(response.statusCode).toBe(400);
    expect(await figures(recipe.recipe_id)).toMatchObject({ rating_count: 0 });
  });

  it('keeps rating_avg and rating_count exact under many concurrent raters', async () => {
    const recipe = await api.recipe(author, { is_published: true });
    const url = `/recipes/api/recipes/${recipe.recipe_id}/rating`;
    const ratingOf = (i: number) => (i % 5) + 1;
    const responses = await Promise.all(
      raters.map((rater, i) => api.put(rater, url, { rating: ratingOf(i) })),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(raters.map(() => 200));
    const expectedAvg = Number((raters.reduce((sum, _r, i) => sum + ratingOf(i), 0) / RATERS).toFixed(2));
    expect(await figures(recipe.recipe_id)).toEqual({
      rating_avg: expectedAvg,
      rating_count: RATERS,
      true_avg: expectedAvg,
      true_count: RATERS,
    });

    // Everyone changes their mind at once, half take their rating back, and one user hammers.
    const hammer = raters[0] as TestUser;
    await Promise.all([
      ...raters.map((rater, i) =>
        i % 2 === 0 ? api.put(rater, url, { rating: 5 }) : api.delete(rater, url),
      ),
      ...[1, 2, 3, 4, 5].map((rating) => api.put(hammer, url, { rating })),
    ]);
    const after = await figures(recipe.recipe_id);
    expect(after?.rating_count).toBe(after?.true_count);
    expect(after?.rating_avg).toBe(after?.true_avg);
    expect(after?.rating_count).toBe(RATERS / 2);
    const read = await api.get(author, `/recipes/api/recipes/${recipe.recipe_id}`);
    expect(read.json()).toMatchObject({ rating_avg: after?.rating_avg, rating_count: RATERS / 2 });
  });

  it('spreads concurrent ratings over several recipes without mixing them up', async () => {
    const recipes = await Promise.all([1, 2, 3].map(() => api.recipe(author, { is_published: true })));
    await Promise.all(
      raters.flatMap((rater, i) =>
        recipes.map((recipe, j) =>
          api.put(rater, `/recipes/api/recipes/${recipe.recipe_id}/rating`, { rating: ((i + j) % 5) + 1 }),
        ),
      ),
    );
    for (const [j, recipe] of recipes.entries()) {
      const expected = Number(
        (raters.reduce((sum, _r, i) => sum + ((i + j) % 5) + 1, 0) / RATERS).toFixed(2),
      );
      expect(await figures(recipe.recipe_id)).toEqual({
        rating_avg: expected,
        rating_count: RATERS,
        true_avg: expected,
        true_count: RATERS,
      });
    }
  });
});
