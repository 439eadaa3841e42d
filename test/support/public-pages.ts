// Reading the public pages as outsiders do: the JSON-LD a search engine takes out of the HTML,
// checked against Google's Recipe rich-result rules; Open Graph tags through open-graph-scraper
// (an independent parser); a PNG's size from its IHDR chunk; a sitemap through an XML parser.
import { load } from 'cheerio';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import ogs from 'open-graph-scraper';
import type { Recipe, WithContext } from 'schema-dts';

type Json = Record<string, unknown>;

/** Every JSON-LD block of a page, parsed. */
export function jsonLdOf(html: string): Json[] {
  const $ = load(html);
  return $('script[type="application/ld+json"]')
    .toArray()
    .map((element) => JSON.parse($(element).text()) as Json);
}

const ISO_DURATION = /^P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?$/;
const isAbsoluteUrl = (value: unknown) => typeof value === 'string' && /^https?:\/\/[^\s]+$/.test(value);

/**
 * What Google's Recipe rich results require (name, image) and what it and Pinterest's rich pins
 * read when present, in the shapes they accept. Returns the problems found (none: valid).
 */
export function recipeProblems(data: Json): string[] {
  const recipe = data as unknown as WithContext<Recipe> & Json;
  const problems: string[] = [];
  if (recipe['@context'] !== 'https://schema.org') problems.push('@context is not https://schema.org');
  if (recipe['@type'] !== 'Recipe') problems.push('@type is not Recipe');
  if (typeof recipe.name !== 'string' || recipe.name.trim() === '') problems.push('name is required');
  const images = Array.isArray(recipe.image) ? recipe.image : [recipe.image];
  if (images.length === 0 || !images.every(isAbsoluteUrl)) problems.push('image must be absolute URLs');
  for (const field of ['prepTime', 'cookTime', 'totalTime'] as const) {
    const value = recipe[field];
    if (value !== undefined && (typeof value !== 'string' || !ISO_DURATION.test(value)))
      problems.push(`${field} is not an ISO 8601 duration: ${String(value)}`);
  }
  if (!Array.isArray(recipe.recipeIngredient) || !recipe.recipeIngredient.every((i) => typeof i === 'string'))
    problems.push('recipeIngredient must be a list of text');
  const steps = recipe.recipeInstructions;
  if (
    !Array.isArray(steps) ||
    !steps.every((s) => {
      const step = s as Json;
      return step['@type'] === 'HowToStep' && typeof step.text === 'string' && step.text !== '';
    })
  )
    problems.push('recipeInstructions must be HowToSteps with text');
  const author = recipe.author as Json | undefined;
  if (
    author !== undefined &&
    (typeof author.name !== 'string' || !['Person', 'Organization'].includes(String(author['@type'])))
  )
    problems.push('author must be a Person or Organization with a name');
  if (recipe.datePublished !== undefined && Number.isNaN(Date.parse(String(recipe.datePublished))))
    problems.push('datePublished is not a date');
  if (recipe.recipeYield !== undefined) {
    const yields = Array.isArray(recipe.recipeYield) ? recipe.recipeYield : [recipe.recipeYield];
    if (!yields.every((y) => typeof y === 'string' || typeof y === 'number'))
      problems.push('recipeYield is not text');
  }
  const rating = recipe.aggregateRating as Json | undefined;
  if (rating !== undefined && (typeof rating.ratingValue !== 'number' || !(Number(rating.ratingCount) > 0)))
    problems.push('aggregateRating needs ratingValue and a positive ratingCount');
  return problems;
}

/** The Open Graph and Twitter tags as open-graph-scraper reads them. */
export async function openGraphOf(html: string) {
  const { error, result } = await ogs({ html });
  if (error) throw new Error('open-graph-scraper failed');
  return result;
}

/** Width and height from a PNG's IHDR, after checking the signature. */
export function pngSize(png: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!png.subarray(0, 8).equals(signature)) throw new Error('not a PNG');
  if (png.subarray(12, 16).toString('latin1') !== 'IHDR') throw new Error('no IHDR first');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** A sitemap's URLs and lastmods, after checking it is well-formed XML in the sitemap namespace. */
export function sitemapOf(xml: string): { loc: string; lastmod: string }[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`sitemap is not well-formed XML: ${JSON.stringify(valid)}`);
  const parsed = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'url' }).parse(xml) as {
    urlset?: { '@_xmlns'?: string; url?: { loc: string; lastmod: string }[] };
  };
  if (parsed.urlset?.['@_xmlns'] !== 'http://www.sitemaps.org/schemas/sitemap/0.9')
    throw new Error('not a sitemaps.org urlset');
  return parsed.urlset.url ?? [];
}
