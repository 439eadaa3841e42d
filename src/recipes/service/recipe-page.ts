// Reading a schema.org Recipe out of a web page: JSON-LD first (most sites, often inside an
// @graph, with @type as a string or an array), then microdata (itemscope/itemprop), and the
// page's readable text for the AI when neither is there. The result is a RecipeInput whose
// ingredients are the page's lines, read by the shared ingredient parser like any typed line.
import { type CheerioAPI, load, loadBuffer } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { parse as parseDuration } from 'iso8601-duration';
import type { Nutrition } from '../client.ts';
import { LIMITS } from './limits.ts';
import type { RecipeInput } from './recipes.ts';

export type ExtractionMethod = 'json-ld' | 'microdata';

export interface PageReading {
  recipe: RecipeInput | null;
  method: ExtractionMethod | null;
  /** The page's title and visible text, for the AI when there is no markup (bounded). */
  text: string;
}

/** How much of a page's text goes to the AI. */
export const MAX_PAGE_TEXT = 12_000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Thing = { [key: string]: Json };

const isThing = (value: Json | undefined): value is Thing =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asList = (value: Json | undefined): Json[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];

/** Whether a @type (a string, a full IRI or an array of them) names `type`. */
function hasType(thing: Thing, type: string): boolean {
  return asList(thing['@type']).some(
    (t) => typeof t === 'string' && (t === type || t.endsWith(`/${type}`) || t.endsWith(`:${type}`)),
  );
}

/** Every Recipe in a JSON-LD value: top level, arrays, @graph, mainEntity and the like. */
function findRecipes(value: Json, found: Thing[], depth = 0): void {
  if (depth > 8 || found.length > 0) return;
  if (Array.isArray(value)) {
    for (const item of value) findRecipes(item, found, depth + 1);
    return;
  }
  if (!isThing(value)) return;
  if (hasType(value, 'Recipe')) {
    found.push(value);
    return;
  }
  for (const key of ['@graph', 'mainEntity', 'mainEntityOfPage', 'itemListElement', 'item']) {
    const inner = value[key];
    if (inner !== undefined) findRecipes(inner, found, depth + 1);
  }
}

function jsonLdRecipe($: CheerioAPI): Thing | null {
  const found: Thing[] = [];
  $('script[type="application/ld+json"]').each((_, element) => {
    if (found.length > 0) return;
    const text = $(element).text().trim();
    if (!text) return;
    try {
      findRecipes(JSON.parse(text) as Json, found);
    } catch {
      // Sites publish broken JSON-LD now and then; one bad block does not spoil the others.
    }
  });
  return found[0] ?? null;
}

// Microdata, after the WHATWG algorithm: an itemscope's properties are the itemprop elements
// below it that do not belong to a nested itemscope; a nested itemscope is a value of its own.
function microdataValue($: CheerioAPI, element: Element, depth: number): Json {
  const $el = $(element);
  if ($el.is('[itemscope]')) return microdataItem($, element, depth + 1);
  const tag = element.tagName.toLowerCase();
  if (tag === 'meta') return $el.attr('content') ?? '';
  if (['audio', 'embed', 'iframe', 'img', 'source', 'track', 'video'].includes(tag))
    return $el.attr('src') ?? '';
  if (['a', 'area', 'link'].includes(tag)) return $el.attr('href') ?? '';
  if (tag === 'object') return $el.attr('data') ?? '';
  if (tag === 'data' || tag === 'meter') return $el.attr('value') ?? '';
  if (tag === 'time') return $el.attr('datetime') ?? $el.text();
  // Some sites put the machine-readable value in content= on any element.
  return $el.attr('content') ?? htmlText($, element);
}

function microdataItem($: CheerioAPI, scope: Element, depth = 0): Thing {
  const item: Thing = {};
  const type = $(scope).attr('itemtype');
  if (type) item['@type'] = type.split(/\s+/).filter(Boolean);
  if (depth > 6) return item;
  const visit = (node: AnyNode) => {
    for (const child of (node as Element).children ?? []) {
      if (child.type !== 'tag' && child.type !== 'script' && child.type !== 'style') continue;
      const element = child as Element;
      const names = ($(element).attr('itemprop') ?? '').split(/\s+/).filter(Boolean);
      if (names.length > 0) {
        const value = microdataValue($, element, depth);
        for (const name of names) item[name] = [...asList(item[name]), value];
      }
      // A nested item's own properties are its own.
      if (!$(element).is('[itemscope]')) visit(element);
    }
  };
  visit(scope);
  // One value stays a value, as JSON-LD writes it.
  for (const [key, value] of Object.entries(item)) {
    if (key !== '@type' && Array.isArray(value) && value.length === 1) item[key] = value[0] as Json;
  }
  return item;
}

function microdataRecipe($: CheerioAPI): Thing | null {
  for (const element of $('[itemscope][itemtype]').toArray()) {
    const types = ($(element).attr('itemtype') ?? '').split(/\s+/);
    if (types.some((t) => /^https?:\/\/schema\.org\/Recipe$/i.test(t))) return microdataItem($, element);
  }
  return null;
}

/** An element's text as a reader sees it: block elements and <br> end lines. */
function htmlText($: CheerioAPI, element: AnyNode): string {
  const clone = $(element).clone();
  clone.find('script, style, noscript, template').remove();
  clone.find('br').replaceWith('\n');
  clone.find('p, div, li, h1, h2, h3, h4, h5, h6, tr, section, article').after('\n');
  return clone
    .text()
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

/** Text that may hold HTML and entities ("Heat &amp; stir<br>"), as plain lines. */
function plain(value: Json | undefined): string {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return '';
  if (!/[<&]/.test(value)) return value.replace(/[ \t]+/g, ' ').trim();
  const $ = load(`<div>${value}</div>`, null, false);
  return htmlText($, $.root().children().get(0) as AnyNode);
}

const firstText = (value: Json | undefined): string => {
  for (const item of asList(value)) {
    const text = isThing(item) ? plain(item.name ?? item['@value']) : plain(item);
    if (text) return text;
  }
  return '';
};

/** ISO 8601 duration ("PT1H30M", "P0DT20M") in whole minutes; null when absent or unreadable. */
export function durationMinutes(value: Json | undefined): number | null {
  const text = firstText(value).trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text);
  try {
    const d = parseDuration(text.toUpperCase());
    // Years and months have no fixed length and never time a recipe: they are not read.
    const minutes =
      (d.weeks ?? 0) * 7 * 1440 +
      (d.days ?? 0) * 1440 +
      (d.hours ?? 0) * 60 +
      (d.minutes ?? 0) +
      (d.seconds ?? 0) / 60;
    return Number.isFinite(minutes) ? Math.min(Math.round(minutes), LIMITS.minutes) : null;
  } catch {
    return null;
  }
}

/** recipeYield: 4, "4", "4 servings", "Serves 4-6", ["4", "4 servings"]. */
export function servingsOf(value: Json | undefined): number | null {
  for (const item of asList(value)) {
    const text = typeof item === 'number' ? String(item) : isThing(item) ? plain(item.value) : plain(item);
    const match = /(\d+(?:[.,]\d+)?)/.exec(text);
    if (!match) continue;
    const serves = Math.round(Number((match[1] as string).replace(',', '.')));
    if (serves >= 1) return Math.min(serves, LIMITS.serves);
  }
  return null;
}

/** recipeInstructions: text, lines, HowToStep, HowToSection (its steps, led by the section's name). */
export function stepsOf(value: Json | undefined, depth = 0): string[] {
  if (depth > 4) return [];
  const steps: string[] = [];
  for (const item of asList(value)) {
    if (typeof item === 'string') {
      steps.push(...plain(item).split('\n'));
    } else if (isThing(item)) {
      if (hasType(item, 'HowToSection') || (item.itemListElement !== undefined && item.text === undefined)) {
        const inner = stepsOf(item.itemListElement, depth + 1);
        const name = plain(item.name);
        if (name && inner.length > 0) inner[0] = `${name}: ${inner[0]}`;
        steps.push(...inner);
      } else {
        const text = plain(item.text ?? item.name ?? item.description);
        if (text) steps.push(text.replace(/\n+/g, ' '));
      }
    }
  }
  return steps
    .map((step) => step.replace(/^\s*(?:step\s*)?\d+[.):]\s+/i, '').trim())
    .filter(Boolean)
    .map((step) => step.slice(0, LIMITS.step));
}

function imageOf(value: Json | undefined, base: URL | null): string | null {
  for (const item of asList(value)) {
    const raw = isThing(item) ? (item.url ?? item.contentUrl ?? item['@id']) : item;
    const text = typeof raw === 'string' ? raw.trim() : Array.isArray(raw) ? firstText(raw) : '';
    if (!text) continue;
    try {
      const url = base ? new URL(text, base) : new URL(text);
      if ((url.protocol === 'https:' || url.protocol === 'http:') && url.href.length <= LIMITS.url)
        return url.href;
    } catch {
      // Not a usable address: the next one may be.
    }
  }
  return null;
}

const number = (value: Json | undefined): number | null => {
  const match = /(\d+(?:[.,]\d+)?)/.exec(firstText(value));
  return match ? Number((match[1] as string).replace(',', '.')) : null;
};

const NUTRITION: [keyof Nutrition, string][] = [
  ['protein_g', 'proteinContent'],
  ['carbs_g', 'carbohydrateContent'],
  ['fat_g', 'fatContent'],
  ['saturated_fat_g', 'saturatedFatContent'],
  ['fiber_g', 'fiberContent'],
  ['sugar_g', 'sugarContent'],
  ['sodium_mg', 'sodiumContent'],
  ['cholesterol_mg', 'cholesterolContent'],
];

function labels(...values: (Json | undefined)[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const item of asList(value)) {
      for (const part of firstText(item).split(',')) {
        const label = part.trim();
        if (label && label.length <= LIMITS.label) out.push(label);
      }
    }
  }
  return out.slice(0, LIMITS.labels);
}

/** A schema.org Recipe (from JSON-LD or microdata) as the recipe to store. */
export function recipeFromSchemaOrg(thing: Thing, pageUrl: URL | null): RecipeInput | null {
  const name = firstText(thing.name ?? thing.headline)
    .replace(/\s+/g, ' ')
    .slice(0, LIMITS.name);
  const ingredients = asList(thing.recipeIngredient ?? thing.ingredients)
    .map((line) => plain(isThing(line) ? (line.text ?? line.name) : line).replace(/\s+/g, ' '))
    .filter(Boolean)
    .slice(0, LIMITS.ingredients)
    .map((line) => line.slice(0, 300));
  const instructions = stepsOf(thing.recipeInstructions).slice(0, LIMITS.steps);
  if (!name || (ingredients.length === 0 && instructions.length === 0)) return null;
  const prep = durationMinutes(thing.prepTime);
  let cook = durationMinutes(thing.cookTime);
  const total = durationMinutes(thing.totalTime);
  if (cook === null && total !== null) cook = Math.max(total - (prep ?? 0), 0);
  const nutritionThing = asList(thing.nutrition).find(isThing);
  const nutrition: Nutrition = {};
  let calories: number | null = null;
  if (nutritionThing) {
    for (const [field, property] of NUTRITION) {
      const value = number(nutritionThing[property]);
      // Sodium and cholesterol are given in mg; a site writing grams says so.
      if (value === null) continue;
      const isGrams = field.endsWith('_mg') && /\d\s*g\b/i.test(firstText(nutritionThing[property]));
      nutrition[field] = Math.min(isGrams ? value * 1000 : value, 100_000);
    }
    const kcal = number(nutritionThing.calories);
    if (kcal !== null) calories = Math.min(Math.round(kcal), LIMITS.calories);
  }
  const description = plain(firstText(thing.description) || undefined).slice(0, LIMITS.text);
  const cuisine = labels(thing.recipeCuisine)[0] ?? null;
  return {
    recipe_name: name,
    description: description || null,
    cuisine,
    prep_time_minutes: prep,
    cook_time_minutes: cook,
    serves: servingsOf(thing.recipeYield ?? thing.yield),
    calories,
    ingredients,
    instructions,
    nutrition,
    tags: labels(thing.recipeCategory, thing.keywords),
    image_url: imageOf(thing.image, pageUrl),
    is_published: false,
  };
}

/** The readable text of a page, without scripts, navigation chrome or styles. */
function pageText($: CheerioAPI): string {
  const title = $('title').first().text().replace(/\s+/g, ' ').trim();
  const main = $('main, article, [role="main"]').first();
  const root = main.length > 0 ? main : $('body');
  const body = root.length > 0 ? htmlText($, root.get(0) as AnyNode) : '';
  return [title, body].filter(Boolean).join('\n').slice(0, MAX_PAGE_TEXT);
}

/** Reads a page's recipe; `html` as fetched (its encoding sniffed) or as pasted. */
export function readRecipePage(html: Buffer | string, pageUrl: URL | null): PageReading {
  const $ = typeof html === 'string' ? load(html) : loadBuffer(html);
  const fromJsonLd = jsonLdRecipe($);
  const jsonLd = fromJsonLd ? recipeFromSchemaOrg(fromJsonLd, pageUrl) : null;
  if (jsonLd) return { recipe: jsonLd, method: 'json-ld', text: '' };
  const fromMicrodata = microdataRecipe($);
  const microdata = fromMicrodata ? recipeFromSchemaOrg(fromMicrodata, pageUrl) : null;
  if (microdata) return { recipe: microdata, method: 'microdata', text: '' };
  return { recipe: null, method: null, text: pageText($) };
}
