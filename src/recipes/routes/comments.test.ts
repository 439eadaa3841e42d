// Comments on published recipes: posted, paged, edited and deleted by their author only; a
// recipe others may not see is a 404; lengths and a rate per person; reports hide a comment from
// everyone but its author.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { LIMITS } from '../service/limits.ts';
import { recipesApi } from '../testing.ts';

describe.each(testEngines())('comments on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof recipesApi>;
  let author: TestUser;
  let reader: TestUser;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'recipes'] });
    api = recipesApi(platform);
    author = await given(platform).user();
    reader = await given(platform).user();
  });
  afterAll(() => platform.close());

  const bodies = async (user: TestUser, recipeId: string, query = '') => {
    const response = await api.get(user, `/recipes/api/recipes/${recipeId}/comments${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return (response.json().items as { body: string }[]).map((c) => c.body);
  };

  it('posts, pages, edits and deletes comments; only their author changes them', async () => {
    const recipe = await api.recipe(author, { recipe_name: 'Bread', is_published: true });
    const url = `/recipes/api/recipes/${recipe.recipe_id}/comments`;
    const first = await api.post(reader, url, { body: '  First!  ' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      recipe_id: recipe.recipe_id,
      user_id: reader.userId,
      body: 'First!',
      is_mine: true,
      edited_at: null,
      moderation: null,
    });
    platform.clock.advance(1000);
    await api.post(author, url, { body: 'Thanks' });
    platform.clock.advance(1000);
    await api.post(reader, url, { body: 'Third' });

    expect(await bodies(reader, recipe.recipe_id)).toEqual(['Third', 'Thanks', 'First!']);
    const page = (await api.get(reader, `${url}?limit=2`)).json();
    expect(page.items.map((c: { body: string }) => c.body)).toEqual(['Third', 'Thanks']);
    expect(await bodies(reader, recipe.recipe_id, `?limit=2&cursor=${page.next_cursor}`)).toEqual(['First!']);

    const id = first.json().comment_id;
    const edited = await api.patch(reader, `/recipes/api/comments/${id}`, { body: 'First, and edited' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().edited_at).not.toBeNull();
    // The recipe's author may not rewrite or delete someone else's comment: 404, as if none.
    for (const response of [
      await api.patch(author, `/recipes/api/comments/${id}`, { body: 'Rewritten' }),
      await api.delete(author, `/recipes/api/comments/${id}`),
      await api.patch(reader, '/recipes/api/comments/00000000-0000-4000-8000-000000000000', { body: 'x' }),
      await api.delete(reader, '/recipes/api/comments/not-an-id'),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('COMMENT_NOT_FOUND');
    }
    expect(await bodies(author, recipe.recipe_id)).toContain('First, and edited');
    expect((await api.delete(reader, `/recipes/api/comments/${id}`)).statusCode).toBe(204);
    expect(await bodies(author, recipe.recipe_id)).toEqual(['Third', 'Thanks']);
  });

  it('answers 404 for a recipe others may not see, and keeps a recipe’s comments for its author', async () => {
    const draft = await api.recipe(author, { recipe_name: 'Draft' });
    for (const response of [
      await api.post(reader, `/recipes/api/recipes/${draft.recipe_id}/comments`, { body: 'Peek' }),
      await api.get(reader, `/recipes/api/recipes/${draft.recipe_id}/comments`),
      await api.post(reader, '/recipes/api/recipes/00000000-0000-4000-8000-000000000000/comments', {
        body: 'x',
      }),
      await api.get(reader, '/recipes/api/recipes/not-an-id/comments'),
      // Even its author comments only once it is published.
      await api.post(author, `/recipes/api/recipes/${draft.recipe_id}/comments`, { body: 'Note to self' }),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('RECIPE_NOT_FOUND');
    }
    await api.patch(author, `/recipes/api/recipes/${draft.recipe_id}`, { is_published: true });
    const comment = (
      await api.post(reader, `/recipes/api/recipes/${draft.recipe_id}/comments`, { body: 'Nice' })
    ).json();
    await api.patch(author, `/recipes/api/recipes/${draft.recipe_id}`, { is_published: false });
    // Unpublished: the author still reads them, nobody else does; the commenter cannot edit it now.
    expect(await bodies(author, draft.recipe_id)).toEqual(['Nice']);
    expect((await api.get(reader, `/recipes/api/recipes/${draft.recipe_id}/comments`)).statusCode).toBe(404);
    expect(
      (await api.patch(reader, `/recipes/api/comments/${comment.comment_id}`, { body: 'x' })).statusCode,
    ).toBe(404);
    const report = await api.post(author, `/recipes/api/comments/${comment.comment_id}/report`, {
      reason: 'Spam here',
    });
    expect(report.statusCode).toBe(404);
    // Deleting the recipe takes its comments.
    expect((await api.delete(author, `/recipes/api/recipes/${draft.recipe_id}`)).statusCode).toBe(204);
    const { rows } = await platform.databases
      .get('recipes')
      .query('SELECT 1 FROM recipe_comments WHERE comment_id = $1', [comment.comment_id]);
    expect(rows).toEqual([]);
  });

  it('hides a comment enough people reported from everyone but its author', async () => {
    const recipe = await api.recipe(author, { recipe_name: 'Contested', is_published: true });
    const url = `/recipes/api/recipes/${recipe.recipe_id}/comments`;
    const troll = await given(platform).user();
    const comment = (await api.post(troll, url, { body: 'Buy cheap watches' })).json();
    await api.post(reader, url, { body: 'Lovely' });
    const reportUrl = `/recipes/api/comments/${comment.comment_id}/report`;
    const first = await api.post(reader, reportUrl, { reason: 'Spam' });
    expect(first.json()).toEqual({ reported: true, hidden: false });
    const twice = await api.post(reader, reportUrl, { reason: 'Spam again' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('ALREADY_REPORTED');
    expect((await api.post(author, reportUrl, { reason: 'Spam' })).json().hidden).toBe(false);
    const third = await api.post(await given(platform).user(), reportUrl, { reason: 'Spam' });
    expect(third.json()).toEqual({ reported: true, hidden: true });

    expect(await bodies(reader, recipe.recipe_id)).toEqual(['Lovely']);
    expect(await bodies(author, recipe.recipe_id)).toEqual(['Lovely']);
    const own = (await api.get(troll, url)).json().items;
    expect(own.map((c: { body: string }) => c.body)).toEqual(['Lovely', 'Buy cheap watches']);
    expect(own[1].moderation).toMatchObject({ state: 'hidden' });
    const edit = await api.patch(troll, `/recipes/api/comments/${comment.comment_id}`, { body: 'Sorry' });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error.code).toBe('COMMENT_MODERATED');
    // Hidden: others cannot report it any more.
    expect((await api.post(await given(platform).user(), reportUrl, { reason: 'Spam' })).statusCode).toBe(
      404,
    );
    // Its author may still delete it.
    expect((await api.delete(troll, `/recipes/api/comments/${comment.comment_id}`)).statusCode).toBe(204);
  });
  it('keeps to the length and the rate per person, and says when to try again', async () => {
    const recipe = await api.recipe(author, { recipe_name: 'Busy', is_published: true });
    const url = `/recipes/api/recipes/${recipe.recipe_id}/comments`;
    const chatty = await given(platform).user();
    for (const body of [{ body: '' }, { body: '   ' }, { body: 'x'.repeat(LIMITS.commentBody + 1) }, {}]) {
      expect((await api.post(chatty, url, body)).statusCode, JSON.stringify(body).slice(0, 40)).toBe(400);
    }
    expect((await api.post(chatty, url, { body: 'x'.repeat(LIMITS.commentBody) })).statusCode).toBe(201);
    for (let i = 1; i < LIMITS.commentsPerWindow; i += 1) {
      expect((await api.post(chatty, url, { body: `Comment ${i}` })).statusCode).toBe(201);
    }
    const limited = await api.post(chatty, url, { body: 'One too many' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('COMMENT_RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(LIMITS.commentWindowSeconds);
    // Someone else is not held back by it.
    expect((await api.post(reader, url, { body: 'Me too' })).statusCode).toBe(201);
    // Once the window has passed (last in this file: the clock's jump outlives access tokens, so
    // the person signs in again).
    platform.clock.advance(LIMITS.commentWindowSeconds * 1000 + 1000);
    const again = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/auth/login',
      payload: { login: chatty.username, password: chatty.password },
    });
    expect(again.statusCode, again.body).toBe(200);
    const signedIn = { ...chatty, headers: { authorization: `Bearer ${again.json().access_token}` } };
    expect((await api.post(signedIn, url, { body: 'Later' })).statusCode).toBe(201);
  });
});
