// Recipe import end to end: saved shapes of real recipe pages served by a local HTTP server,
// HowToCookAtHome fetching and reading them, the AI gateway (an Ollama stand-in behind it) for
// a page without markup, and the refusals: private addresses (also behind a redirect or a
// name), oversize pages, slow servers, too many redirects, what is not a web page.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OllamaStandIn, startOllamaStandIn } from '../../../test/stand-ins/ollama.ts';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';

const pages = path.join(import.meta.dirname, '../service/import-pages');
const page = (name: string) => readFileSync(path.join(pages, name));
const MAX_BYTES = 64 * 1024;
const TIMEOUT_MS = 1500;

/** The recipe sites: fixed pages, a slow one, a huge one, redirects. */
async function startRecipeSites(privatePort: () => number): Promise<{ server: Server; origin: string }> {
  const open = new Set<import('node:net').Socket>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sites');
    const html = (body: Buffer | string) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(body);
    };
    switch (url.pathname) {
      case '/lemon-drizzle-cake/':
        return html(page('wordpress-graph.html'));
      case '/soup':
        return html(page('microdata.html'));
      case '/dal':
        return html(page('no-markup.html'));
      case '/crepes':
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end(page('top-level-array.html'));
      case '/moved':
        res.writeHead(301, { location: '/soup' });
        return res.end();
      case '/to-private':
        res.writeHead(302, { location: `http://127.0.0.1:${privatePort()}/secret` });
        return res.end();
      case '/loop':
        res.writeHead(302, { location: `/loop?n=${Number(url.searchParams.get('n') ?? 0) + 1}` });
        return res.end();
      case '/huge': {
        // Streamed without a length: the limit must hold while reading, not only on the header.
        res.writeHead(200, { 'content-type': 'text/html' });
        const chunk = `<p>${'flour '.repeat(1000)}</p>`;
        let sent = 0;
        const more = () => {
          while (sent < MAX_BYTES * 4) {
            sent += chunk.length;
            if (!res.write(chunk)) return res.once('drain', more);
          }
          res.end();
        };
        return more();
      }
      case '/slow':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write('<html><head><title>Wait for it');
        return; // never ends
      case '/pdf':
        res.writeHead(200, { 'content-type': 'application/pdf' });
        return res.end('%PDF-1.7');
      case '/gone':
        res.writeHead(404, { 'content-type': 'text/html' });
        return res.end('<h1>Not found</h1>');
      case '/about':
        return html(
          '<html><head><title>About us</title></head><body><main><p>We like food.</p></main></body></html>',
        );
      default:
        res.writeHead(404);
        return res.end();
    }
  });
  server.on('connection', (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = server.close.bind(server);
  server.close = ((callback?: (error?: Error) => void) => {
    for (const socket of open) socket.destroy();
    return close(callback);
  }) as typeof server.close;
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.each(testEngines())('POST /recipes/api/recipes/import on %s', (engine) => {
  let platform: TestPlatform;
  let standIn: OllamaStandIn;
  let sites: Server;
  let origin: string;
  // Another local server: private, not on the allow list; nothing may reach it.
  let internal: Server;
  const internalHits: string[] = [];

  beforeAll(async () => {
    internal = createServer((req, res) => {
      internalHits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<title>internal admin</title>');
    });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    const started = await startRecipeSites(() => (internal.address() as AddressInfo).port);
    sites = started.server;
    origin = started.origin;
    standIn = await startOllamaStandIn({ models: ['llama3.2:latest'] });
    platform = await startTestPlatform(engine, {
      services: ['identity', 'ai', 'recipes'],
      env: {
        OLLAMA_HOSTS: standIn.url,
        OLLAMA_HEALTH_INTERVAL_MS: '200',
        RECIPE_IMPORT_ALLOWED_HOSTS: new URL(origin).host,
        RECIPE_IMPORT_MAX_BYTES: String(MAX_BYTES),
        RECIPE_IMPORT_TIMEOUT_MS: String(TIMEOUT_MS),
        RECIPE_IMPORT_MAX_REDIRECTS: '3',
      },
    });
  });
  afterAll(async () => {
    await platform?.close();
    await standIn?.close();
    await new Promise((resolve) => sites?.close(resolve));
    await new Promise((resolve) => internal?.close(resolve));
  });

  const importing = (user: TestUser, payload: Record<string, unknown>) =>
    platform.app.inject({
      method: 'POST',
      url: '/recipes/api/recipes/import',
      headers: user.headers,
      payload,
    });
  const storedCount = async (userId: string) =>
    (
      await platform.databases
        .get('recipes')
        .query<{ n: number }>('SELECT count(*)::int AS n FROM recipes WHERE user_id = $1', [userId])
    ).rows[0]?.n;
  const chatCount = () => standIn.requests.filter((r) => r.path === '/api/chat').length;

  it('reads a JSON-LD Recipe inside an @graph: sections, ISO 8601 times, yields, image, nutrition', async () => {
    const user = await given(platform).user();
    const response = await importing(user, { url: `${origin}/lemon-drizzle-cake/` });
    expect(response.statusCode, response.body).toBe(201);
    const recipe = response.json();
    expect(recipe).toMatchObject({
      recipe_name: 'Lemon Drizzle Cake',
      description: 'A tangy, sticky loaf cake – the best with a cup of tea.',
      cuisine: 'british',
      prep_time_minutes: 20,
      cook_time_minutes: 45,
      total_time_minutes: 65,
      serves: 8,
      calories: 399,
      nutrition: { protein_g: 5, carbs_g: 50, fat_g: 21, sodium_mg: 300 },
      image_url: `${origin}/wp-content/uploads/lemon-drizzle-1x1.jpg`,
      source: 'imported',
      source_url: `${origin}/lemon-drizzle-cake/`,
      is_published: false,
      is_mine: true,
      import: { method: 'json-ld', source_url: `${origin}/lemon-drizzle-cake/`, ai: null },
    });
    expect(recipe.ingredients.slice(0, 2)).toEqual([
      { name: 'unsalted butter', quantity: 225, unit: 'g', note: 'softened' },
      { name: 'caster sugar', quantity: 225, unit: 'g', note: null },
    ]);
    expect(recipe.ingredients).toContainEqual({
      name: 'lemon juice',
      quantity: 1.5,
      unit: 'tbsp',
      note: null,
    });
    expect(recipe.instructions).toEqual([
      'For the cake: Heat the oven to 180C/160C fan. Line a loaf tin.',
      'Beat the butter and sugar until pale, then beat in the eggs one at a time.',
      'Fold in the flour and lemon zest. Bake for 45 mins.',
      'For the drizzle: Mix the lemon juice with the icing sugar.',
      'Prick the warm cake all over and pour the drizzle on top.',
    ]);
    expect(recipe.tags).toEqual(['cake', 'baking', 'lemon', 'loaf cake', 'afternoon tea']);
    const read = await platform.app.inject({
      method: 'GET',
      url: `/recipes/api/recipes/${recipe.recipe_id}`,
      headers: user.headers,
    });
    const { import: _import, ...stored } = recipe;
    expect(read.json()).toEqual({
      ...stored,
      my_rating: null,
      is_favourite: false,
      scaled_from_serves: null,
    });
  });

  it('reads microdata when there is no JSON-LD, after following a redirect', async () => {
    const user = await given(platform).user();
    const response = await importing(user, { url: `${origin}/moved` });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      recipe_name: 'Grandma’s Chicken Soup'.replace('’', "'"),
      description: 'Clear, golden and good for what ails you.',
      cuisine: 'jewish',
      serves: 6,
      prep_time_minutes: 15,
      cook_time_minutes: 120,
      calories: 310,
      image_url: `${origin}/photos/chicken-soup.jpg`,
      source_url: `${origin}/soup`,
      import: { method: 'microdata' },
    });
    expect(response.json().ingredients).toContainEqual({
      name: 'water',
      quantity: 2.5,
      unit: 'l',
      note: null,
    });
    expect(response.json().instructions).toHaveLength(3);
    expect(response.json().instructions[1]).toBe('Skim, add the vegetables and simmer gently for 2 hours.');
  });

  it('survives a broken JSON-LD block, reads a top-level array, an IRI @type and steps in one HTML string', async () => {
    const user = await given(platform).user();
    const response = await importing(user, { url: `${origin}/crepes` });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      recipe_name: 'Crêpes Suzette',
      serves: 4,
      prep_time_minutes: null,
      cook_time_minutes: 35,
      image_url: 'https://flip.example/img/crepes.jpg',
      instructions: [
        'Whisk the milk, flour and eggs.',
        'Rest the batter for 10 minutes.',
        'Fry thin crêpes in butter.',
        'Warm them in orange butter sauce.',
      ],
    });
  });

  it('asks the AI gateway to read a page without markup, and stores what it answers', async () => {
    const user = await given(platform).user();
    const before = chatCount();
    standIn.script(
      JSON.stringify({
        is_recipe: true,
        recipe_name: 'Weeknight dal',
        description: 'The dal for an empty fridge.',
        serves: 4,
        prep_time_minutes: 5,
        cook_time_minutes: 20,
        ingredients: [
          '1 cup red lentils',
          '3 cups water',
          '1 tsp turmeric',
          '2 tbsp ghee',
          '2 cloves garlic',
        ],
        instructions: [
          'Simmer the lentils with water and turmeric.',
          'Fry onion, garlic and cumin; pour over.',
        ],
      }),
    );
    const response = await importing(user, { url: `${origin}/dal` });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      recipe_name: 'Weeknight dal',
      serves: 4,
      source: 'imported',
      import: { method: 'ai', ai: { provider: 'ollama', attempts: 1 } },
    });
    expect(response.json().ingredients[0]).toEqual({
      name: 'red lentils',
      quantity: 1,
      unit: 'cup',
      note: null,
    });
    const sent = standIn.requests.filter((r) => r.path === '/api/chat').slice(before);
    expect(sent).toHaveLength(1);
    // The page's text reaches the model; its scripts and styles do not.
    const prompt = JSON.stringify(sent[0]?.body);
    expect(prompt).toContain('red lentils');
    expect(prompt).not.toContain('dataLayer');
    expect(prompt).not.toContain('font-family');
  });

  it('answers 422 IMPORT_NO_RECIPE when the AI finds no recipe, and stores nothing', async () => {
    const user = await given(platform).user();
    standIn.script(
      JSON.stringify({
        is_recipe: false,
        recipe_name: '',
        description: null,
        serves: null,
        prep_time_minutes: null,
        cook_time_minutes: null,
        ingredients: [],
        instructions: [],
      }),
    );
    const response = await importing(user, { url: `${origin}/about` });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().error).toMatchObject({ code: 'IMPORT_NO_RECIPE', details: { askedAi: true } });
    expect(await storedCount(user.userId)).toBe(0);
  });

  it('imports pasted text with Ingredients and Method headings without the AI', async () => {
    const user = await given(platform).user();
    const before = chatCount();
    const response = await importing(user, {
      text: 'Overnight oats\nSoft and creamy.\nServes 2\n\nIngredients\n- 100 g rolled oats\n- 200 ml milk\n- 1 tbsp honey\n\nMethod\n1. Stir everything together.\n2. Chill overnight.',
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      recipe_name: 'Overnight oats',
      description: 'Soft and creamy.',
      serves: 2,
      source: 'imported',
      source_url: null,
      instructions: ['Stir everything together.', 'Chill overnight.'],
      import: { method: 'text', source_url: null },
    });
    expect(response.json().ingredients).toEqual([
      { name: 'rolled oats', quantity: 100, unit: 'g', note: null },
      { name: 'milk', quantity: 200, unit: 'ml', note: null },
      { name: 'honey', quantity: 1, unit: 'tbsp', note: null },
    ]);
    expect(chatCount()).toBe(before);
  });

  it('imports pasted HTML by its markup', async () => {
    const user = await given(platform).user();
    const response = await importing(user, { text: page('microdata.html').toString('utf8') });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ serves: 6, import: { method: 'microdata', source_url: null } });
  });

  it.each([
    ['a loopback address', () => `http://127.0.0.1:${(internal.address() as AddressInfo).port}/secret`],
    ['localhost', () => `http://localhost:${(internal.address() as AddressInfo).port}/`],
    [
      // The machine's own name resolves (/etc/hosts) to a private address: caught at connect time.
      'a name that resolves to a private address',
      () => `http://${hostname()}:${(internal.address() as AddressInfo).port}/`,
    ],
    ['IPv6 loopback', () => 'http://[::1]/'],
    ['an IPv4-mapped IPv6 loopback', () => 'http://[::ffff:127.0.0.1]/'],
    ['a private network', () => 'http://10.1.2.3/recipes'],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a redirect to a private address', () => `${origin}/to-private`],
  ])('refuses %s (400 IMPORT_ADDRESS_REFUSED) and reaches nothing', async (_name, url) => {
    const user = await given(platform).user();
    const response = await importing(user, { url: url() });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.code).toBe('IMPORT_ADDRESS_REFUSED');
    expect(internalHits).toEqual([]);
    expect(await storedCount(user.userId)).toBe(0);
  });

  it.each([
    ['ftp://example.com/recipe', 400, 'IMPORT_URL_INVALID'],
    ['http://user:secret@example.com/', 400, 'IMPORT_URL_INVALID'],
    ['not a url', 400, 'IMPORT_URL_INVALID'],
  ])('refuses %s', async (url, status, code) => {
    const user = await given(platform).user();
    const response = await importing(user, { url });
    expect(response.statusCode, response.body).toBe(status);
    expect(response.json().error.code).toBe(code);
  });

  it('stops reading a page larger than RECIPE_IMPORT_MAX_BYTES (422 IMPORT_PAGE_TOO_LARGE)', async () => {
    const user = await given(platform).user();
    const response = await importing(user, { url: `${origin}/huge` });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().error).toMatchObject({
      code: 'IMPORT_PAGE_TOO_LARGE',
      details: { maxBytes: MAX_BYTES },
    });
  });

  it('gives up on a slow server after RECIPE_IMPORT_TIMEOUT_MS (504 IMPORT_TIMEOUT)', async () => {
    const user = await given(platform).user();
    const started = performance.now();
    const response = await importing(user, { url: `${origin}/slow` });
    expect(response.statusCode, response.body).toBe(504);
    expect(response.json().error.code).toBe('IMPORT_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 3000);
  });

  it('refuses endless redirects, what is not a web page, and a page that is not there', async () => {
    const user = await given(platform).user();
    const loop = await importing(user, { url: `${origin}/loop` });
    expect(loop.statusCode, loop.body).toBe(422);
    expect(loop.json().error).toMatchObject({
      code: 'IMPORT_TOO_MANY_REDIRECTS',
      details: { maxRedirects: 3 },
    });
    const pdf = await importing(user, { url: `${origin}/pdf` });
    expect(pdf.statusCode, pdf.body).toBe(422);
    expect(pdf.json().error).toMatchObject({
      code: 'IMPORT_UNSUPPORTED_CONTENT',
      details: { contentType: 'application/pdf' },
    });
    const gone = await importing(user, { url: `${origin}/gone` });
    expect(gone.statusCode, gone.body).toBe(422);
    expect(gone.json().error).toMatchObject({ code: 'IMPORT_FETCH_FAILED', details: { status: 404 } });
    expect(await storedCount(user.userId)).toBe(0);
  });

  it('needs a signed-in user and exactly one of url or text', async () => {
    const user = await given(platform).user();
    const anonymous = await platform.app.inject({
      method: 'POST',
      url: '/recipes/api/recipes/import',
      payload: { url: `${origin}/soup` },
    });
    expect(anonymous.statusCode).toBe(401);
    const both = await importing(user, { url: `${origin}/soup`, text: 'x' });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.code).toBe('VALIDATION_FAILED');
  });
});
