// HowToCookAtHome's public recipe pages: a published recipe for anyone, with a schema.org Recipe
// (times, yield, calories and rating), Open Graph tags, its share card, the author's profile and
// the sitemap; private recipes answer 404.
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

const HOSTILE = `</title><script>alert(1)</script>"'&<b>`;

describe.each(testEngines())('HowToCookAtHome public pages on %s', (engine) => {
  let platform: TestPlatform;
  let alice: TestUser;
  let bob: TestUser;
  const ids: Record<string, string> = {};
  const get = (url: string, headers: Record<string, string> = {}) =>
    platform.app.inject({ method: 'GET', url, headers });
  const create = async (payload: Record<string, unknown>) => {
    const response = await platform.app.inject({
      method: 'POST',
      url: '/recipes/api/recipes',
      headers: alice.headers,
      payload,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().recipe_id as string;
  };

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'recipes'] });
    alice = await given(platform).user();
    bob = await given(platform).user();
    ids.published = await create({
      recipe_name: 'Pumpkin soup',
      description: 'Roasted pumpkin, onion and stock, blended smooth.',
      cuisine: 'french',
      difficulty: 'easy',
      prep_time_minutes: 15,
      cook_time_minutes: 45,
      serves: 4,
      calories: 220,
      ingredients: ['1 kg pumpkin, in chunks', '1 onion', '750 ml vegetable stock'],
      instructions: ['Roast the pumpkin.', 'Soften the onion.', 'Simmer with the stock and blend.'],
      tags: ['soup', 'autumn'],
      image_url: 'https://images.example.com/pumpkin-soup.jpg',
      is_published: true,
    });
    ids.private = await create({ recipe_name: 'Secret sauce', instructions: ['Tell no one.'] });
    ids.hostile = await create({ recipe_name: HOSTILE, description: HOSTILE, is_published: true });
    const rated = await platform.app.inject({
      method: 'PUT',
      url: `/recipes/api/recipes/${ids.published}/rating`,
      headers: bob.headers,
      payload: { rating: 4 },
    });
    expect(rated.statusCode, rated.body).toBeLessThan(300);
  });
  afterAll(() => platform?.close());

  it('renders a published recipe with a schema.org Recipe valid for rich results', async () => {
    const response = await get(`/recipes/r/${ids.published}`);
    expect(response.statusCode).toBe(200);
    const $ = load(response.body);
    const canonical = `http://localhost/recipes/r/${ids.published}`;
    expect($('title').text()).toBe('Pumpkin soup · HowToCookAtHome');
    expect($('link[rel="canonical"]').attr('href')).toBe(canonical);
    // The photo is shown without telling its host which page it is on.
    expect($('img.hero').attr('src')).toBe('https://images.example.com/pumpkin-soup.jpg');
    expect($('img.hero').attr('referrerpolicy')).toBe('no-referrer');
    // The cuisine as the web app shows it ("French"), not as stored ("french").
    expect($('ul.facts li:contains("Cuisine")').text()).toBe('Cuisine French');
    const [recipe] = jsonLdOf(response.body);
    expect(recipeProblems(recipe ?? {})).toEqual([]);
    expect(recipe).toMatchObject({
      name: 'Pumpkin soup',
      description: 'Roasted pumpkin, onion and stock, blended smooth.',
      image: ['https://images.example.com/pumpkin-soup.jpg', `${canonical}/card.png`],
      author: { '@type': 'Person', name: alice.username },
      prepTime: 'PT15M',
      cookTime: 'PT45M',
      totalTime: 'PT1H',
      recipeYield: ['4', '4 servings'],
      recipeCuisine: 'French',
      keywords: 'soup, autumn',
      nutrition: { '@type': 'NutritionInformation', calories: '220 calories' },
      aggregateRating: { '@type': 'AggregateRating', ratingValue: 4, ratingCount: 1 },
      recipeIngredient: ['1 kg pumpkin, in chunks', '1 onion', '750 ml vegetable stock'],
    });
    expect(recipe?.recipeInstructions).toHaveLength(3);
  });

  it('gives Open Graph and Twitter tags with the photo as the image', async () => {
    const og = await openGraphOf((await get(`/recipes/r/${ids.published}`)).body);
    expect(og.ogTitle).toBe('Pumpkin soup');
    expect(og.ogType).toBe('article');
    expect(og.ogSiteName).toBe('HowToCookAtHome');
    expect(og.ogUrl).toBe(`http://localhost/recipes/r/${ids.published}`);
    expect(og.ogImage?.[0]?.url).toBe('https://images.example.com/pumpkin-soup.jpg');
    expect(og.twitterCard).toBe('summary_large_image');
  });

  it('answers 404 pages for private and unknown recipes, and serves cards only for public ones', async () => {
    for (const url of [
      `/recipes/r/${ids.private}`,
      `/recipes/r/${ids.private}/card.png`,
      '/recipes/r/00000000-0000-4000-8000-000000000000',
      '/recipes/r/%3Cscript%3E',
      `/recipes/u/${encodeURIComponent(alice.email)}`,
    ]) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toBe('text/html; charset=utf-8');
      expect(response.body).not.toContain('Secret sauce');
    }
    const card = await get(`/recipes/r/${ids.hostile}/card.png`);
    expect(card.statusCode).toBe(200);
    expect(pngSize(card.rawPayload)).toEqual({ width: 1200, height: 630 });
  });

  it('escapes a hostile name and description', async () => {
    const { body } = await get(`/recipes/r/${ids.hostile}`);
    const $ = load(body);
    expect($('h1').text()).toBe(HOSTILE);
    expect($('b')).toHaveLength(0);
    expect(body).not.toContain('<script>alert');
    expect(jsonLdOf(body)[0]?.name).toBe(HOSTILE);
    expect((await openGraphOf(body)).ogDescription).toBe(HOSTILE);
  });

  it("lists the author's published recipes on their profile, and the sitemap lists every public one", async () => {
    const profile = await get(`/recipes/u/${alice.username}`);
    expect(profile.statusCode).toBe(200);
    const $ = load(profile.body);
    const links = $('ul.cards a')
      .toArray()
      .map((a) => $(a).attr('href'));
    expect(links).toEqual(expect.arrayContaining([`../r/${ids.published}`, `../r/${ids.hostile}`]));
    expect(links).not.toContain(`../r/${ids.private}`);
    expect((await get(`/recipes/u/${bob.username}`)).body).toContain('Nothing published yet.');

    const sitemap = await get('/recipes/sitemap.xml');
    const locs = sitemapOf(sitemap.body).map((e) => e.loc);
    expect(locs).toEqual(
      expect.arrayContaining([
        `http://localhost/recipes/r/${ids.published}`,
        `http://localhost/recipes/r/${ids.hostile}`,
      ]),
    );
    expect(locs).not.toContain(`http://localhost/recipes/r/${ids.private}`);
    const robots = await get('/recipes/robots.txt');
    expect(robots.body).toContain('Disallow: /recipes/api/');
    expect(robots.body).toContain('Sitemap: http://localhost/recipes/sitemap.xml');
  });
});
