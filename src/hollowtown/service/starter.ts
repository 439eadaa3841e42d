// The starter pack's Hollowtown part (content/starter: Halloween recipes, costume ideas and
// haunted-house rooms), loaded under a system account and published so a new install is not
// empty. Idempotent by key: an item loaded before is updated only when its text in the pack
// changed, and an item an operator deleted stays deleted unless `restore` is asked for.
import path from 'node:path';
import { Type } from 'typebox';
import { readIngredients } from '../../ingredients/ingredient-input.ts';
import { contentHash, readContentList, STARTER_DIR } from '../../platform/content-files.ts';
import type { Queryable } from '../../platform/db/database.ts';
import type { Difficulty } from '../client.ts';
import type { HollowtownDeps } from '../deps.ts';
import { insertCostume, updateCostume } from '../store/costumes.ts';
import { insertPlan, updatePlan } from '../store/plans.ts';
import { findOwnRecipe, insertRecipe, updateRecipe } from '../store/recipes.ts';
import { recordStarterItem, type StarterKind, setRoomPublished, starterItems } from '../store/starter.ts';
import { normaliseTags } from './common.ts';
import { INGREDIENT_LIMITS, LIMITS } from './limits.ts';
import { announceUpdate } from './recipes.ts';

const Key = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,99}$' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Lines = (max: number, length: number = LIMITS.step) =>
  Type.Array(Text(length), { minItems: 1, maxItems: max });
const DifficultySchema = Type.Enum(['easy', 'medium', 'hard', 'nightmare'] as const);
const TagList = Type.Array(Text(LIMITS.tagLength), { maxItems: LIMITS.tags });

export const StarterRecipe = Type.Object(
  {
    key: Key,
    recipe_name: Text(LIMITS.name),
    description: Text(LIMITS.description),
    spookiness_level: Type.Integer({ minimum: 1, maximum: 10 }),
    difficulty: DifficultySchema,
    prep_time_minutes: Type.Integer({ minimum: 1, maximum: LIMITS.prepMinutes }),
    serves: Type.Integer({ minimum: 1, maximum: LIMITS.serves }),
    tags: TagList,
    ingredients: Lines(LIMITS.ingredients, 300),
    instructions: Lines(LIMITS.steps),
  },
  { additionalProperties: false },
);

export const StarterCostume = Type.Object(
  {
    key: Key,
    costume_name: Text(LIMITS.name),
    description: Text(LIMITS.description),
    difficulty: DifficultySchema,
    cost_estimate_cents: Type.Integer({ minimum: 0, maximum: LIMITS.cents }),
    tags: TagList,
    materials: Lines(LIMITS.materials, 300),
  },
  { additionalProperties: false },
);

export const StarterRoom = Type.Object(
  {
    key: Key,
    room_name: Text(LIMITS.name),
    scare_level: Type.Integer({ minimum: 1, maximum: 10 }),
    props_needed: Lines(LIMITS.props, 300),
    setup_instructions: Lines(LIMITS.steps),
  },
  { additionalProperties: false },
);

export interface StarterRecipeItem {
  key: string;
  recipe_name: string;
  description: string;
  spookiness_level: number;
  difficulty: Difficulty;
  prep_time_minutes: number;
  serves: number;
  tags: string[];
  ingredients: string[];
  instructions: string[];
}
export interface StarterCostumeItem {
  key: string;
  costume_name: string;
  description: string;
  difficulty: Difficulty;
  cost_estimate_cents: number;
  tags: string[];
  materials: string[];
}
export interface StarterRoomItem {
  key: string;
  room_name: string;
  scare_level: number;
  props_needed: string[];
  setup_instructions: string[];
}

export interface HollowtownStarterPack {
  recipes: StarterRecipeItem[];
  costumes: StarterCostumeItem[];
  rooms: StarterRoomItem[];
}

/** What one load did, per kind. */
export interface StarterCounts {
  /** Items in the pack. */
  items: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Loaded before, deleted since by an operator, and left deleted. */
  deleted: number;
}

export async function readHollowtownStarterPack(dir = STARTER_DIR): Promise<HollowtownStarterPack> {
  const [recipes, costumes, rooms] = await Promise.all([
    readContentList<StarterRecipeItem>(path.join(dir, 'halloween-recipes.json'), StarterRecipe),
    readContentList<StarterCostumeItem>(path.join(dir, 'costumes.json'), StarterCostume),
    readContentList<StarterRoomItem>(path.join(dir, 'haunted-house-rooms.json'), StarterRoom),
  ]);
  return { recipes, costumes, rooms };
}

/** A prop line read like an ingredient; a unit ("10 m black fabric") goes into the note. */
function propOf(line: string, field: string) {
  const [parsed] = readIngredients([line], field, { ...INGREDIENT_LIMITS, quantity: LIMITS.propQuantity });
  if (!parsed) throw new Error(`${field}: no prop read from "${line}"`);
  if (parsed.unit === null) return { name: parsed.name, quantity: parsed.quantity, note: parsed.note };
  const amount = `${parsed.quantity ?? ''} ${parsed.unit}`.trim();
  return { name: parsed.name, quantity: null, note: parsed.note ? `${amount}, ${parsed.note}` : amount };
}

export function createStarterService(deps: HollowtownDeps) {
  const { db } = deps;

  /** Creates, updates or leaves each item of one kind; `write` stores one item, given its id when it exists. */
  async function loadKind<T extends { key: string }>(
    kind: StarterKind,
    items: readonly T[],
    restore: boolean,
    write: (tx: Queryable, item: T, existingId: string | null) => Promise<string>,
  ): Promise<StarterCounts> {
    const counts: StarterCounts = { items: items.length, created: 0, updated: 0, unchanged: 0, deleted: 0 };
    const loaded = new Map((await starterItems(db, kind)).map((row) => [row.starter_key, row]));
    for (const item of items) {
      const hash = contentHash(item);
      const before = loaded.get(item.key);
      if (before?.exists && before.content_hash === hash) {
        counts.unchanged++;
        continue;
      }
      if (before && !before.exists && !restore) {
        counts.deleted++;
        continue;
      }
      await db.transaction(async (tx) => {
        const id = await write(tx, item, before?.exists ? before.item_id : null);
        await recordStarterItem(tx, kind, item.key, id, hash, deps.now());
      });
      if (before?.exists) counts.updated++;
      else counts.created++;
    }
    return counts;
  }

  return {
    /** Loads the pack under `ownerId` (a system account), published. */
    async load(
      ownerId: string,
      pack: HollowtownStarterPack,
      options: { restore?: boolean } = {},
    ): Promise<Record<'recipes' | 'costumes' | 'rooms', StarterCounts>> {
      const restore = options.restore ?? false;
      const recipes = await loadKind('recipe', pack.recipes, restore, async (tx, item, existingId) => {
        const fields = {
          recipe_name: item.recipe_name,
          description: item.description,
          spookiness_level: item.spookiness_level,
          difficulty: item.difficulty,
          ingredients: readIngredients(item.ingredients, `${item.key}.ingredients`, INGREDIENT_LIMITS),
          instructions: item.instructions,
          prep_time_minutes: item.prep_time_minutes,
          serves: item.serves,
          tags: normaliseTags(item.tags),
          image_url: null,
          is_published: true,
        };
        if (existingId && (await findOwnRecipe(tx, ownerId, existingId))) {
          const row = await updateRecipe(tx, ownerId, existingId, fields);
          // Copies in HowToCookAtHome (meal plans from templates) follow the pack's edits.
          if (row?.shared_at) await announceUpdate(tx, row, deps.now());
          if (row) return row.recipe_id;
        }
        return (await insertRecipe(tx, ownerId, fields)).recipe_id;
      });
      const costumes = await loadKind('costume', pack.costumes, restore, async (tx, item, existingId) => {
        const fields = {
          costume_name: item.costume_name,
          description: item.description,
          difficulty: item.difficulty,
          materials: readIngredients(item.materials, `${item.key}.materials`, INGREDIENT_LIMITS),
          cost_estimate_cents: item.cost_estimate_cents,
          image_url: null,
          tags: normaliseTags(item.tags),
        };
        const row = existingId ? await updateCostume(tx, ownerId, existingId, fields) : undefined;
        return (row ?? (await insertCostume(tx, ownerId, fields))).costume_id;
      });
      const rooms = await loadKind('room', pack.rooms, restore, async (tx, item, existingId) => {
        const fields = {
          room_name: item.room_name,
          scare_level: item.scare_level,
          props_needed: item.props_needed.map((line, i) => propOf(line, `${item.key}.props_needed[${i}]`)),
          setup_instructions: item.setup_instructions,
          is_published: true,
        };
        const row =
          (existingId ? await updatePlan(tx, ownerId, existingId, fields) : undefined) ??
          (await insertPlan(tx, ownerId, fields));
        await setRoomPublished(tx, ownerId, row.plan_id, true);
        return row.plan_id;
      });
      return { recipes, costumes, rooms };
    },
  };
}

export type StarterService = ReturnType<typeof createStarterService>;
