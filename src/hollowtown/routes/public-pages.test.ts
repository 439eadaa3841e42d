// Hollowtown's public pages, read as a crawler, a social network and a browser without a session
// read them: published recipes and costumes with their share cards, the author's profile, the
// sitemap and robots.txt, on the prefix and on the app's own host (CALOS_HOSTS).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Resvg } from '@resvg/resvg-js';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import {
  jsonLdOf,
  openGraphOf,
  pngSize,
  recipeProblems,
  sitemapOf,
} from '../../../test/support/public-pages.ts';
import type { HollowtownClient } from '../client.ts';

const HOSTILE = `</title><script>alert("t")</script><img src=x onerror=alert(1)>"'&`;
const HOST = 'hollowtown.example';

describe.each(testEngines())('Hollowtown public pages on %s', (engine) => {
  let platform: TestPlatform;
  let alice: TestUser;
  let photos: Server;
  let photoRequests = 0;
  const ids: Record<string, string> = {};
  const get = (url: string, headers: Record<string, string> = {}) =>
    platform.app.inject({ method: 'GET', url, headers });

  const create = async (user: TestUser, url: string, payload: Record<string, unknown>) => {
    const response = await platform.app.inject({
      method: 'POST',
      url: `/hollowtown${url}`,
      headers: user.headers,
      payload,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };

  beforeAll(async () => {
    // A photo host on loopback, allowed as an operator would allow an intranet host.
    const photo = Buffer.from(
      new Resvg(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#0a0"/></svg>',
      )
        .render()
        .asPng(),
    );
    photos = createServer((_request, response) => {
      photoRequests += 1;
      response.writeHead(200, { 'content-type': 'image/png' }).end(photo);
    });
    await new Promise<void>((resolve) => photos.listen(0, '127.0.0.1', resolve));
    const port = (photos.address() as AddressInfo).port;
    platform = await startTestPlatform(engine, {
      services: ['identity', 'hollowtown'],
      env: { CALOS_HOSTS: `${HOST}=hollowtown`, RECIPE_IMPORT_ALLOWED_HOSTS: `127.0.0.1:${port}` },
    });
    alice = await given(platform).user();
    ids.published = (
      await create(alice, '/api/recipes/spooky', {
        recipe_name: 'Graveyard dirt cups',
        description: 'Chocolate pudding under cookie-crumb soil, with gummy worms crawling out.',
        spookiness_level: 7,
        difficulty: 'easy',
        ingredients: [
          '500 g chocolate pudding',
          '12 gummy worms, one per cup',
          '2 cups crushed chocolate cookies',
        ],
        instructions: ['Spoon the pudding into cups.', 'Cover with crushed cookies.', 'Add the worms.'],
        prep_time_minutes: 95,
        serves: 6,
        tags: ['no-bake', 'kids-friendly'],
        is_published: true,
      })
    ).recipe_id;
    ids.withPhoto = (
      await create(alice, '/api/recipes/spooky', {
        recipe_name: 'Bloody punch',
        image_url: `http://127.0.0.1:${port}/punch.png`,
        ingredients: ['1 l cranberry juice'],
        instructions: ['Pour.'],
        is_published: true,
      })
    ).recipe_id;
    ids.private = (await create(alice, '/api/recipes/spooky', { recipe_name: 'Secret stew' })).recipe_id;
    ids.hostile = (
      await create(alice, '/api/recipes/spooky', {
        recipe_name: HOSTILE,
        description: `</script><script>alert(2)</script>${HOSTILE}`,
        ingredients: [`1 cup </script><script>alert(3)</script>`],
        instructions: [HOSTILE],
        tags: ['x'],
        is_published: true,
      })
    ).recipe_id;
    ids.costume = (
      await create(alice, '/api/costumes', {
        costume_name: 'Cardboard robot',
        description: 'Boxes, foil and a lot of tape.',
        difficulty: 'easy',
        materials: [{ name: 'cardboard boxes', quantity: 3 }],
        cost_estimate_cents: 1250,
      })
    ).costume_id;
  });
  afterAll(async () => {
    await platform?.close();
    await new Promise((resolve) => photos?.close(resolve));
  });

  it('renders a published recipe for anyone, with a valid schema.org Recipe', async () => {
    const response = await get(`/hollowtown/r/${ids.published}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=60');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    const $ = load(response.body);
    expect($('title').text()).toBe('Graveyard dirt cups · Hollowtown');
    expect($('h1').text()).toBe('Graveyard dirt cups');
    expect($('meta[name="description"]').attr('content')).toBe(
      'Chocolate pudding under cookie-crumb soil, with gummy worms crawling out.',
    );
    // The canonical URL is on the app's own host, whichever host the page was read on.
    const canonical = `http://${HOST}/r/${ids.published}`;
    expect($('link[rel="canonical"]').attr('href')).toBe(canonical);
    expect(
      $('ul.items li')
        .toArray()
        .map((li) => $(li).text()),
    ).toEqual(['500 g chocolate pudding', '12 gummy worms, one per cup', '2 cups crushed chocolate cookies']);
    expect($('ol.steps li')).toHaveLength(3);
    expect($('img.hero').attr('src')).toBe(`${ids.published}/card.png`);
    // Share links carry the canonical URL; nothing from a third party is loaded.
    expect($('a[href^="https://www.pinterest.com/pin/create/button/"]').attr('href')).toContain(
      encodeURIComponent(canonical),
    );
    expect($('a[href^="https://www.facebook.com/sharer/sharer.php"]')).toHaveLength(1);
    expect($('a[href^="https://x.com/intent/tweet"]')).toHaveLength(1);
    expect($('script[src], link[rel="stylesheet"]')).toHaveLength(0);

    const [recipe, ...others] = jsonLdOf(response.body);
    expect(others).toEqual([]);
    expect(recipeProblems(recipe ?? {})).toEqual([]);
    expect(recipe).toMatchObject({
      '@type': 'Recipe',
      name: 'Graveyard dirt cups',
      url: canonical,
      image: [`${canonical}/card.png`],
      author: { '@type': 'Person', name: alice.username, url: `http://${HOST}/u/${alice.username}` },
      prepTime: 'PT1H35M',
      totalTime: 'PT1H35M',
      recipeYield: ['6', '6 servings'],
      keywords: 'Halloween, no-bake, kids-friendly',
      recipeIngredient: [
        '500 g chocolate pudding',
        '12 gummy worms, one per cup',
        '2 cups crushed chocolate cookies',
      ],
    });
    expect(recipe?.recipeInstructions).toEqual([
      expect.objectContaining({ '@type': 'HowToStep', position: 1, text: 'Spoon the pudding into cups.' }),
      expect.objectContaining({ '@type': 'HowToStep', position: 2, text: 'Cover with crushed cookies.' }),
      expect.objectContaining({ '@type': 'HowToStep', position: 3, text: 'Add the worms.' }),
    ]);
  });

  it('gives social networks Open Graph and Twitter card tags they can read', async () => {
    const { body } = await get(`/hollowtown/r/${ids.published}`);
    const og = await openGraphOf(body);
    const canonical = `http://${HOST}/r/${ids.published}`;
    expect(og.ogTitle).toBe('Graveyard dirt cups');
    expect(og.ogDescription).toBe(
      'Chocolate pudding under cookie-crumb soil, with gummy worms crawling out.',
    );
    expect(og.ogUrl).toBe(canonical);
    expect(og.ogType).toBe('article');
    expect(og.ogSiteName).toBe('Hollowtown');
    expect(og.ogImage?.[0]).toMatchObject({ url: `${canonical}/card.png`, width: '1200', height: '630' });
    expect(og.twitterCard).toBe('summary_large_image');
    expect(og.twitterImage?.[0]?.url).toBe(`${canonical}/card.png`);
  });

  it('draws the photo into the card; a plain-http photo is not shown on the page itself', async () => {
    const { body } = await get(`/hollowtown/r/${ids.withPhoto}`);
    const og = await openGraphOf(body);
    // The page's policy allows https images only: the card (which has the photo) stands in.
    expect(og.ogImage?.[0]?.url).toBe(`http://${HOST}/r/${ids.withPhoto}/card.png`);
    expect(load(body)('img.hero').attr('src')).toBe(`${ids.withPhoto}/card.png`);
    const before = photoRequests;
    const card = await get(`/hollowtown/r/${ids.withPhoto}/card.png`);
    expect(card.statusCode).toBe(200);
    expect(pngSize(card.rawPayload)).toEqual({ width: 1200, height: 630 });
    expect(photoRequests).toBe(before + 1);
  });

  it('serves a 1200×630 PNG card, cached by version, answering 304 to its ETag', async () => {
    const card = await get(`/hollowtown/r/${ids.published}/card.png`);
    expect(card.statusCode).toBe(200);
    expect(card.headers['content-type']).toBe('image/png');
    expect(pngSize(card.rawPayload)).toEqual({ width: 1200, height: 630 });
    const etag = String(card.headers.etag);
    const again = await get(`/hollowtown/r/${ids.published}/card.png`, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    // An edit is a new version: a new card under a new ETag.
    await platform.app.inject({
      method: 'PATCH',
      url: `/hollowtown/api/recipes/spooky/${ids.published}`,
      headers: alice.headers,
      payload: { spookiness_level: 9 },
    });
    const edited = await get(`/hollowtown/r/${ids.published}/card.png`, { 'if-none-match': etag });
    expect(edited.statusCode).toBe(200);
    expect(edited.headers.etag).not.toBe(etag);
    expect(pngSize((await get(`/hollowtown/c/${ids.costume}/card.png`)).rawPayload)).toEqual({
      width: 1200,
      height: 630,
    });
  });

  it('answers the page with 304 when it has not changed', async () => {
    const first = await get(`/hollowtown/r/${ids.published}`);
    const second = await get(`/hollowtown/r/${ids.published}`, {
      'if-none-match': String(first.headers.etag),
    });
    expect(second.statusCode).toBe(304);
  });

  it('answers an HTML 404 for private, unknown, malformed and unpublished ids, and their cards', async () => {
    const unpublished = (
      await create(alice, '/api/recipes/spooky', { recipe_name: 'Was public', is_published: true })
    ).recipe_id;
    await platform.app.inject({
      method: 'PATCH',
      url: `/hollowtown/api/recipes/spooky/${unpublished}`,
      headers: alice.headers,
      payload: { is_published: false },
    });
    const deleted = (await create(alice, '/api/costumes', { costume_name: 'Gone ghost' })).costume_id;
    await platform.app.inject({
      method: 'DELETE',
      url: `/hollowtown/api/costumes/${deleted}`,
      headers: alice.headers,
    });
    for (const url of [
      `/hollowtown/r/${ids.private}`,
      `/hollowtown/r/${unpublished}`,
      `/hollowtown/r/${ids.private}/card.png`,
      `/hollowtown/r/00000000-0000-4000-8000-000000000000`,
      '/hollowtown/r/not-a-uuid',
      `/hollowtown/c/${deleted}`,
      `/hollowtown/c/${ids.published}`,
      '/hollowtown/u/nobody-by-that-name',
      `/hollowtown/u/${encodeURIComponent(alice.email)}`,
    ]) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toBe('text/html; charset=utf-8');
      const $ = load(response.body);
      expect($('h1').text(), url).toBe('Not found');
      expect($('meta[name="robots"]').attr('content')).toBe('noindex');
      expect(response.body).not.toContain('Secret stew');
    }
  });

  it('escapes hostile text everywhere: markup, attributes and the JSON-LD', async () => {
    const hostileUser = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/auth/register',
      payload: {
        username: 'mallory_x',
        email: 'mallory_x@example.test',
        password: 'correct horse battery staple',
        display_name: `<script>alert("name")</script>"'`,
      },
    });
    expect(hostileUser.statusCode).toBe(201);
    const mallory = { headers: { authorization: `Bearer ${hostileUser.json().access_token}` } } as TestUser;
    const id = (
      await create(mallory, '/api/recipes/spooky', {
        recipe_name: HOSTILE,
        description: `</script><script>alert(2)</script>`,
        ingredients: ['1 cup </script><script>alert(3)</script>'],
        instructions: [HOSTILE],
        is_published: true,
      })
    ).recipe_id;
    for (const url of [`/hollowtown/r/${id}`, `/hollowtown/r/${ids.hostile}`, '/hollowtown/u/mallory_x']) {
      const { statusCode, body } = await get(url);
      expect(statusCode, url).toBe(200);
      const $ = load(body);
      // Only our own two scripts: the JSON-LD (on recipes) and the share buttons' inline script.
      const scripts = $('script').toArray();
      expect(
        scripts.every((s) => ['application/ld+json', undefined].includes($(s).attr('type'))),
        url,
      ).toBe(true);
      expect(scripts.length, url).toBeLessThanOrEqual(2);
      expect($('img[onerror]'), url).toHaveLength(0);
      expect(body).not.toContain('<script>alert');
      expect(body).not.toContain('<img src=x');
    }
    const { body } = await get(`/hollowtown/r/${id}`);
    const $ = load(body);
    expect($('h1').text()).toBe(HOSTILE);
    expect($('title').text()).toBe(`${HOSTILE} · Hollowtown`);
    expect($('meta[property="og:title"]').attr('content')).toBe(HOSTILE);
    const [recipe] = jsonLdOf(body);
    expect(recipe?.name).toBe(HOSTILE);
    // The ingredient reader splits the line its way; the markup in it stays text all the same.
    expect(String((recipe?.recipeIngredient as string[] | undefined)?.[0])).toContain(
      '</script><script>alert',
    );
    expect(recipe?.author).toMatchObject({ name: `<script>alert("name")</script>"'` });
  });

  it('shows a costume idea with its own tags and no Recipe data', async () => {
    const response = await get(`/hollowtown/c/${ids.costume}`);
    expect(response.statusCode).toBe(200);
    const $ = load(response.body);
    expect($('h1').text()).toBe('Cardboard robot');
    expect($('ul.facts').text()).toContain('$12.50');
    expect($('ul.items li').first().text()).toBe('3 cardboard boxes');
    expect(jsonLdOf(response.body)).toEqual([]);
    const og = await openGraphOf(response.body);
    expect(og.ogUrl).toBe(`http://${HOST}/c/${ids.costume}`);
    expect(og.ogImage?.[0]?.url).toBe(`http://${HOST}/c/${ids.costume}/card.png`);
    expect(og.twitterCard).toBe('summary_large_image');
  });

  it("lists an author's published recipes and costumes on their profile, and nothing private", async () => {
    const response = await get(`/hollowtown/u/${alice.username}`);
    expect(response.statusCode).toBe(200);
    const $ = load(response.body);
    const links = $('ul.cards a')
      .toArray()
      .map((a) => $(a).attr('href'));
    expect(links).toContain(`../r/${ids.published}`);
    expect(links).toContain(`../c/${ids.costume}`);
    expect(links).not.toContain(`../r/${ids.private}`);
    expect(response.body).not.toContain('Secret stew');
    expect($('link[rel="canonical"]').attr('href')).toBe(`http://${HOST}/u/${alice.username}`);
    expect((await openGraphOf(response.body)).ogType).toBe('profile');
  });

  it('lists public pages in sitemap.xml on the prefix and on the own host, with robots.txt', async () => {
    for (const [url, headers] of [
      ['/hollowtown/sitemap.xml', {}],
      ['/sitemap.xml', { host: HOST }],
    ] as const) {
      const response = await get(url, headers);
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toBe('application/xml; charset=utf-8');
      const entries = sitemapOf(response.body);
      const locs = entries.map((e) => e.loc);
      expect(locs).toContain(`http://${HOST}/r/${ids.published}`);
      expect(locs).toContain(`http://${HOST}/c/${ids.costume}`);
      expect(locs).not.toContain(`http://${HOST}/r/${ids.private}`);
      expect(entries.every((e) => !Number.isNaN(Date.parse(e.lastmod)))).toBe(true);
    }
    const own = await get('/robots.txt', { host: HOST });
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('Disallow: /api/');
    expect(own.body).toContain(`Sitemap: http://${HOST}/sitemap.xml`);
    const prefixed = await get('/hollowtown/robots.txt');
    expect(prefixed.body).toContain('Disallow: /hollowtown/api/');
    // The page itself answers on the own host too.
    const page = await get(`/r/${ids.published}`, { host: HOST });
    expect(page.statusCode).toBe(200);
  });
  it('shows upvotes on the page and the author’s karma on their profile', async () => {
    const bob = await given(platform).user();
    const voted = await platform.app.inject({
      method: 'POST',
      url: `/hollowtown/api/recipes/spooky/${ids.published}/vote`,
      headers: bob.headers,
    });
    expect(voted.statusCode, voted.body).toBe(200);
    // The vote reaches identity's karma through Hollowtown's outbox.
    await platform.clients.get<HollowtownClient>('hollowtown').syncCommunityEvents();
    const facts = ($: ReturnType<typeof load>) =>
      $('ul.facts li')
        .toArray()
        .map((li) => $(li).text().replace(/\s+/g, ' ').trim());
    const page = load((await get(`/hollowtown/r/${ids.published}`)).body);
    expect(facts(page)).toContain('Upvotes 1');
    expect(page('article p').text()).toContain('karma 1');
    const profile = load((await get(`/hollowtown/u/${alice.username}`)).body);
    expect(facts(profile)).toContain('Karma 1');
  });
});
