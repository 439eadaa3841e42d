// Bulk import of a Mealie or Tandoor export, as their exports are laid out (Mealie: a zip with
// recipes/<slug>/<slug>.json; Tandoor: a zip of one zip per recipe with recipe.json), built here
// with yazl, an independent zip writer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';

function zip(files: Record<string, Buffer | string>): Promise<Buffer> {
  const archive = new ZipFile();
  for (const [name, content] of Object.entries(files)) archive.addBuffer(Buffer.from(content), name);
  archive.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    archive.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    archive.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    archive.outputStream.on('error', reject);
  });
}

/** A recipe as Mealie (v1) exports it. */
const mealieRecipe = {
  id: '1b0f4e5c-54a5-4c1e-9a4c-1e0f5a8a3d11',
  name: 'Shakshuka',
  slug: 'shakshuka',
  description: 'Eggs poached in a spiced tomato sauce.',
  recipeYield: '4 servings',
  recipeServings: 4,
  totalTime: '40 minutes',
  prepTime: '10 minutes',
  performTime: '30 minutes',
  orgURL: 'https://www.example.org/shakshuka',
  recipeCategory: [{ name: 'Breakfast', slug: 'breakfast' }],
  tags: [{ name: 'Vegetarian', slug: 'vegetarian' }],
  recipeIngredient: [
    {
      quantity: 1,
      unit: { name: 'tablespoon' },
      food: { name: 'olive oil' },
      note: '',
      originalText: '1 tbsp olive oil',
      display: '1 tablespoon olive oil',
    },
    {
      quantity: 2,
      unit: null,
      food: { name: 'onions' },
      note: 'sliced',
      originalText: null,
      display: '2 onions sliced',
    },
    {
      quantity: 800,
      unit: { name: 'g' },
      food: { name: 'chopped tomatoes' },
      note: '',
      originalText: '800 g chopped tomatoes',
      display: '',
    },
    { quantity: 4, unit: null, food: { name: 'eggs' }, note: '', originalText: '4 eggs', display: '4 eggs' },
  ],
  recipeInstructions: [
    { id: 'a', title: '', text: 'Soften the onions in the oil.' },
    { id: 'b', title: 'Sauce', text: 'Add the tomatoes and simmer for 20 minutes.' },
    { id: 'c', title: '', text: 'Make hollows, crack in the eggs, cover and cook until set.' },
  ],
  nutrition: { calories: '260', proteinContent: '14', fatContent: '15 g' },
};

/** A recipe as Tandoor exports it (recipe.json inside its own zip). */
const tandoorRecipe = {
  name: 'Kürbissuppe',
  description: 'Herbst in der Schüssel',
  servings: 6,
  working_time: 20,
  waiting_time: 35,
  source_url: 'https://rezepte.example.de/kuerbissuppe',
  keywords: [{ name: 'suppe' }, { name: 'herbst' }],
  steps: [
    {
      name: 'Vorbereiten',
      instruction: 'Kürbis würfeln.\nZwiebel hacken.',
      ingredients: [
        { food: { name: 'pumpkin' }, unit: { name: 'kg' }, amount: 1, note: 'hokkaido', is_header: false },
        { food: { name: 'onion' }, unit: null, amount: 1, note: '', is_header: false },
      ],
    },
    {
      name: '',
      instruction: 'Mit Brühe 30 Minuten köcheln, pürieren.',
      ingredients: [
        { food: { name: 'vegetable stock' }, unit: { name: 'ml' }, amount: 750, note: '', is_header: false },
        { food: { name: 'salt' }, unit: null, amount: 0, note: 'to taste', is_header: false },
      ],
    },
  ],
};

describe.each(testEngines())('POST /recipes/api/recipes/import/archive on %s', (engine) => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'recipes'] });
  });
  afterAll(async () => {
    await platform?.close();
  });

  const upload = (user: TestUser | undefined, body: Buffer, type = 'application/zip') =>
    platform.app.inject({
      method: 'POST',
      url: '/recipes/api/recipes/import/archive',
      headers: { ...(user?.headers ?? {}), 'content-type': type },
      payload: body,
    });
  const read = async (user: TestUser, id: string) =>
    (
      await platform.app.inject({ method: 'GET', url: `/recipes/api/recipes/${id}`, headers: user.headers })
    ).json();
  const storedCount = async (userId: string) =>
    (
      await platform.databases
        .get('recipes')
        .query<{ n: number }>('SELECT count(*)::int AS n FROM recipes WHERE user_id = $1', [userId])
    ).rows[0]?.n;

  it('imports a Mealie export, skipping an entry that is not JSON', async () => {
    const user = await given(platform).user();
    const archive = await zip({
      'recipes/shakshuka/shakshuka.json': JSON.stringify(mealieRecipe),
      'recipes/shakshuka/images/original.webp': 'not read',
      'recipes/broken/broken.json': '{"name": "Half',
      'database.json': '{}',
    });
    const response = await upload(user, archive);
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(body.format).toBe('mealie');
    expect(body.imported).toHaveLength(1);
    expect(body.skipped).toEqual([{ entry: 'recipes/broken/broken.json', reason: 'not valid JSON' }]);
    const recipe = await read(user, body.imported[0].recipe_id);
    expect(recipe).toMatchObject({
      recipe_name: 'Shakshuka',
      description: 'Eggs poached in a spiced tomato sauce.',
      serves: 4,
      prep_time_minutes: 10,
      cook_time_minutes: 30,
      calories: 260,
      nutrition: { protein_g: 14, fat_g: 15 },
      tags: ['breakfast', 'vegetarian'],
      source: 'imported',
      source_url: 'https://www.example.org/shakshuka',
      is_published: false,
      instructions: [
        'Soften the onions in the oil.',
        'Sauce: Add the tomatoes and simmer for 20 minutes.',
        'Make hollows, crack in the eggs, cover and cook until set.',
      ],
    });
    expect(recipe.ingredients).toEqual([
      { name: 'olive oil', quantity: 1, unit: 'tbsp', note: null },
      { name: 'onions', quantity: 2, unit: null, note: 'sliced' },
      { name: 'chopped tomatoes', quantity: 800, unit: 'g', note: null },
      { name: 'eggs', quantity: 4, unit: null, note: null },
    ]);
  });

  it('imports a Tandoor export: a zip of zips', async () => {
    const user = await given(platform).user();
    const inner = await zip({ 'recipe.json': JSON.stringify(tandoorRecipe), 'image.jpg': 'x' });
    const archive = await zip({ '17.zip': inner });
    const response = await upload(user, archive);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ format: 'tandoor', skipped: [] });
    const recipe = await read(user, response.json().imported[0].recipe_id);
    expect(recipe).toMatchObject({
      recipe_name: 'Kürbissuppe',
      serves: 6,
      prep_time_minutes: 20,
      cook_time_minutes: 35,
      tags: ['suppe', 'herbst'],
      source_url: 'https://rezepte.example.de/kuerbissuppe',
      instructions: [
        'Vorbereiten: Kürbis würfeln. Zwiebel hacken.',
        'Mit Brühe 30 Minuten köcheln, pürieren.',
      ],
    });
    expect(recipe.ingredients).toEqual([
      { name: 'pumpkin', quantity: 1, unit: 'kg', note: 'hokkaido' },
      { name: 'onion', quantity: 1, unit: null, note: null },
      { name: 'vegetable stock', quantity: 750, unit: 'ml', note: null },
      { name: 'salt', quantity: null, unit: null, note: 'to taste' },
    ]);
  });

  it('refuses what is not a zip, a zip without recipes, and an entry that inflates past the limit', async () => {
    const user = await given(platform).user();
    const notZip = await upload(user, Buffer.from('PK but not really'));
    expect(notZip.statusCode, notZip.body).toBe(400);
    expect(notZip.json().error.code).toBe('IMPORT_ARCHIVE_INVALID');
    const empty = await upload(user, await zip({ 'notes.txt': 'hello' }));
    expect(empty.statusCode, empty.body).toBe(422);
    expect(empty.json().error.code).toBe('IMPORT_ARCHIVE_UNKNOWN');
    // Three megabytes of spaces deflate to a few kilobytes: the inflated size is what counts.
    const bomb = await zip({ 'recipes/big/big.json': `{"name": "Big"${' '.repeat(3 * 1024 * 1024)}}` });
    expect(bomb.length).toBeLessThan(100 * 1024);
    const big = await upload(user, bomb);
    expect(big.statusCode, big.body).toBe(413);
    expect(big.json().error.code).toBe('IMPORT_ARCHIVE_TOO_LARGE');
    const wrongType = await upload(user, await zip({ 'a.txt': 'a' }), 'application/octet-stream');
    expect(wrongType.statusCode).toBe(415);
    expect(await storedCount(user.userId)).toBe(0);
    const anonymous = await upload(undefined, await zip({ 'a.txt': 'a' }));
    expect(anonymous.statusCode).toBe(401);
  });
});
