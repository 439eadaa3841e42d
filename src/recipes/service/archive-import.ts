// Bulk import from another recipe manager's export: a Mealie export (a zip with one
// recipes/<slug>/<slug>.json per recipe) or a Tandoor export (a zip of zips, each with a
// recipe.json). Read with yauzl within limits (entries, sizes as stored and as inflated, nesting
// one level), each recipe mapped to ours and stored as the user's private, imported recipe. A
// recipe that cannot be read is reported and skipped; the others are kept.
import type { Readable } from 'node:stream';
import { fromBufferPromise, type ZipFile } from 'yauzl';
import { AppError } from '../../platform/errors.ts';
import type { RecipesDeps } from '../deps.ts';
import { ArchiveErrors } from '../errors.ts';
import { tolerantIngredients } from './import.ts';
import { LIMITS } from './limits.ts';
import { durationMinutes, servingsOf } from './recipe-page.ts';
import type { RecipeInput, RecipeService } from './recipes.ts';

export const ARCHIVE_LIMITS = {
  /** The upload itself. */
  bytes: 20 * 1024 * 1024,
  entries: 5000,
  /** One JSON file, inflated. */
  entryBytes: 2 * 1024 * 1024,
  /** Everything read, inflated (a zip bomb stops here). */
  totalBytes: 100 * 1024 * 1024,
  recipes: 500,
} as const;

export type ArchiveFormat = 'mealie' | 'tandoor';

export interface ArchiveImport {
  format: ArchiveFormat;
  imported: { recipe_id: string; recipe_name: string }[];
  skipped: { entry: string; reason: string }[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string =>
  typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
const nameOf = (value: unknown): string => (isObject(value) ? text(value.name) : text(value));

/** "1 hour 30 minutes", "45 min", "PT1H", 90 → minutes. */
export function freeTextMinutes(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.min(Math.round(value), LIMITS.minutes);
  const written = text(value);
  if (!written) return null;
  const iso = durationMinutes(written);
  if (iso !== null) return iso;
  const hours = /(\d+(?:[.,]\d+)?)\s*(?:h|hours?|hrs?|stunden?)\b/i.exec(written);
  const minutes = /(\d+)\s*(?:m|mins?|minutes?|minuten?)\b/i.exec(written);
  if (!hours && !minutes) return null;
  const total = Number((hours?.[1] ?? '0').replace(',', '.')) * 60 + Number(minutes?.[1] ?? 0);
  return Math.min(Math.round(total), LIMITS.minutes);
}

const clip = (value: string, most: number) => value.slice(0, most);
const labels = (...lists: unknown[]) =>
  lists
    .flatMap((list) => (Array.isArray(list) ? list : []))
    .map(nameOf)
    .filter((label) => label && label.length <= LIMITS.label)
    .slice(0, LIMITS.labels);

/** A Mealie recipe (its export's <slug>.json). */
export function recipeFromMealie(recipe: Json): RecipeInput | null {
  const name = text(recipe.name);
  if (!name) return null;
  const ingredients = (Array.isArray(recipe.recipeIngredient) ? recipe.recipeIngredient : [])
    .map((item) => {
      if (!isObject(item)) return text(item);
      // originalText is the line as written; else the parsed parts (the note after a comma, as
      // the ingredient parser reads it); display, Mealie's own rendering, runs the note in.
      const line = text(item.originalText);
      if (line) return line;
      const food = nameOf(item.food);
      if (!food) return text(item.display) || text(item.note);
      const quantity = typeof item.quantity === 'number' && item.quantity > 0 ? String(item.quantity) : '';
      const note = text(item.note);
      return [quantity, nameOf(item.unit), food].filter(Boolean).join(' ') + (note ? `, ${note}` : '');
    })
    .filter(Boolean)
    .slice(0, LIMITS.ingredients)
    .map((line) => clip(line, 300));
  const steps = (Array.isArray(recipe.recipeInstructions) ? recipe.recipeInstructions : [])
    .map((step) => {
      if (!isObject(step)) return text(step);
      const title = text(step.title);
      return title ? `${title}: ${text(step.text)}` : text(step.text);
    })
    .filter(Boolean)
    .slice(0, LIMITS.steps)
    .map((step) => clip(step, LIMITS.step));
  const nutrition = isObject(recipe.nutrition) ? recipe.nutrition : {};
  const number = (value: unknown) => {
    const match = /(\d+(?:\.\d+)?)/.exec(text(value));
    return match ? Number(match[1]) : undefined;
  };
  const calories = number(nutrition.calories);
  const prep = freeTextMinutes(recipe.prepTime);
  const cook = freeTextMinutes(recipe.performTime ?? recipe.cookTime);
  const total = freeTextMinutes(recipe.totalTime);
  return {
    recipe_name: clip(name, LIMITS.name),
    description: clip(text(recipe.description), LIMITS.text) || null,
    serves:
      typeof recipe.recipeServings === 'number' && recipe.recipeServings >= 1
        ? Math.min(Math.round(recipe.recipeServings), LIMITS.serves)
        : servingsOf(text(recipe.recipeYield) || null),
    prep_time_minutes: prep,
    cook_time_minutes: cook ?? (total !== null ? Math.max(total - (prep ?? 0), 0) : null),
    calories: calories === undefined ? null : Math.min(Math.round(calories), LIMITS.calories),
    nutrition: Object.fromEntries(
      (
        [
          ['protein_g', nutrition.proteinContent],
          ['carbs_g', nutrition.carbohydrateContent],
          ['fat_g', nutrition.fatContent],
          ['fiber_g', nutrition.fiberContent],
          ['sugar_g', nutrition.sugarContent],
          ['sodium_mg', nutrition.sodiumContent],
        ] as const
      )
        .map(([field, value]) => [field, number(value)] as const)
        .filter(([, value]) => value !== undefined),
    ),
    ingredients,
    instructions: steps,
    tags: labels(recipe.recipeCategory, recipe.tags),
    is_published: false,
  };
}

/** A Tandoor recipe (recipe.json in its export's zip for that recipe). */
export function recipeFromTandoor(recipe: Json): RecipeInput | null {
  const name = text(recipe.name);
  if (!name) return null;
  const steps = Array.isArray(recipe.steps) ? recipe.steps.filter(isObject) : [];
  const ingredients = steps
    .flatMap((step) => (Array.isArray(step.ingredients) ? step.ingredients.filter(isObject) : []))
    .filter((item) => !item.is_header)
    .map((item) => {
      const amount = typeof item.amount === 'number' && item.amount > 0 ? String(item.amount) : '';
      const note = text(item.note);
      return (
        [amount, nameOf(item.unit), nameOf(item.food)].filter(Boolean).join(' ') + (note ? `, ${note}` : '')
      );
    })
    .filter((line) => line.replace(/^,\s*/, ''))
    .slice(0, LIMITS.ingredients)
    .map((line) => clip(line, 300));
  const instructions = steps
    .map((step) => {
      const title = text(step.name);
      const body = text(step.instruction).replace(/\s*\n+\s*/g, ' ');
      return title && body ? `${title}: ${body}` : body || title;
    })
    .filter(Boolean)
    .slice(0, LIMITS.steps)
    .map((step) => clip(step, LIMITS.step));
  const minutes = (value: unknown) =>
    typeof value === 'number' && value > 0 ? Math.min(Math.round(value), LIMITS.minutes) : null;
  return {
    recipe_name: clip(name, LIMITS.name),
    description: clip(text(recipe.description), LIMITS.text) || null,
    serves:
      typeof recipe.servings === 'number' && recipe.servings >= 1
        ? Math.min(Math.round(recipe.servings), LIMITS.serves)
        : null,
    prep_time_minutes: minutes(recipe.working_time),
    cook_time_minutes: minutes(recipe.waiting_time),
    ingredients,
    instructions,
    tags: labels(recipe.keywords),
    is_published: false,
  };
}

const sourceUrlOf = (recipe: Json): string | null => {
  const url = text(recipe.orgURL ?? recipe.source_url ?? recipe.source);
  return /^https?:\/\//i.test(url) && url.length <= LIMITS.url ? url : null;
};

async function readAll(stream: Readable, most: number, budget: { left: number }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    budget.left -= (chunk as Buffer).length;
    if (size > most) {
      stream.destroy();
      throw ArchiveErrors.tooBig(ARCHIVE_LIMITS, `an entry is larger than ${most} bytes`);
    }
    if (budget.left < 0) {
      stream.destroy();
      throw ArchiveErrors.tooBig(ARCHIVE_LIMITS, `more than ${ARCHIVE_LIMITS.totalBytes} bytes inflated`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function openZip(buffer: Buffer): Promise<ZipFile> {
  try {
    return await fromBufferPromise(buffer, { lazyEntries: true, validateEntrySizes: true });
  } catch {
    throw ArchiveErrors.notAZip();
  }
}

interface FoundRecipe {
  entry: string;
  format: ArchiveFormat;
  json: Json | null;
  problem?: string;
}

/** Every Mealie or Tandoor recipe in the archive, read within the limits. */
async function findRecipes(buffer: Buffer, budget: { left: number }, depth = 0): Promise<FoundRecipe[]> {
  const zip = await openZip(buffer);
  if (zip.entryCount > ARCHIVE_LIMITS.entries) {
    zip.close();
    throw ArchiveErrors.tooBig(ARCHIVE_LIMITS, `more than ${ARCHIVE_LIMITS.entries} files`);
  }
  const found: FoundRecipe[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      if (name.endsWith('/')) continue;
      const base = name.split('/').pop() ?? name;
      const isMealie = /(^|\/)recipes\/([^/]+)\/\2\.json$/.test(name);
      const isTandoorJson = depth === 1 && base === 'recipe.json';
      const isInnerZip = depth === 0 && base.endsWith('.zip');
      if (!isMealie && !isTandoorJson && !isInnerZip) continue;
      if (found.length >= ARCHIVE_LIMITS.recipes)
        throw ArchiveErrors.tooBig(ARCHIVE_LIMITS, `more than ${ARCHIVE_LIMITS.recipes} recipes`);
      const most = isInnerZip ? ARCHIVE_LIMITS.bytes : ARCHIVE_LIMITS.entryBytes;
      if (entry.uncompressedSize > most)
        throw ArchiveErrors.tooBig(ARCHIVE_LIMITS, `${name} is larger than ${most} bytes`);
      const content = await readAll(await zip.openReadStreamPromise(entry), most, budget);
      if (isInnerZip) {
        const inner = await findRecipes(content, budget, depth + 1).catch((error: unknown) => {
          if (error instanceof AppError && error.code === 'IMPORT_ARCHIVE_INVALID') return [];
          throw error;
        });
        found.push(...inner.map((recipe) => ({ ...recipe, entry: `${name}/${recipe.entry}` })));
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(content.toString('utf8'));
      } catch {
        json = undefined;
      }
      found.push(
        isObject(json)
          ? { entry: name, format: isMealie ? 'mealie' : 'tandoor', json }
          : { entry: name, format: isMealie ? 'mealie' : 'tandoor', json: null, problem: 'not valid JSON' },
      );
    }
  } finally {
    zip.close();
  }
  return found;
}

export function createArchiveImportService(_deps: RecipesDeps, recipes: RecipeService) {
  return {
    async importArchive(userId: string, archive: Buffer): Promise<ArchiveImport> {
      if (archive.length > ARCHIVE_LIMITS.bytes)
        throw ArchiveErrors.tooBig(ARCHIVE_LIMITS, `more than ${ARCHIVE_LIMITS.bytes} bytes`);
      const found = await findRecipes(archive, { left: ARCHIVE_LIMITS.totalBytes });
      const first = found[0];
      if (!first) throw ArchiveErrors.unknownFormat();
      const result: ArchiveImport = { format: first.format, imported: [], skipped: [] };
      for (const item of found) {
        const input = item.json
          ? item.format === 'mealie'
            ? recipeFromMealie(item.json)
            : recipeFromTandoor(item.json)
          : null;
        if (!input) {
          result.skipped.push({ entry: item.entry, reason: item.problem ?? 'no recipe name' });
          continue;
        }
        try {
          const lines = (input.ingredients ?? []).filter((line): line is string => typeof line === 'string');
          const stored = await recipes.create(
            userId,
            { ...input, ingredients: tolerantIngredients(lines) },
            'imported',
            sourceUrlOf(item.json as Json),
          );
          result.imported.push({ recipe_id: stored.recipe_id, recipe_name: stored.recipe_name });
        } catch (error) {
          if (!(error instanceof AppError) || error.status >= 500) throw error;
          result.skipped.push({ entry: item.entry, reason: error.message });
        }
      }
      return result;
    },
  };
}
