// Schemas the recipes routes share: limits on every field, and the shapes answers take.

import { Type } from 'typebox';
import { communityFields } from '../../community/routes.ts';
import { IngredientLine } from '../../ingredients/schemas.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import { bearer, Nullable, NullableTimestamp, Page, Timestamp } from '../../platform/http/schemas.ts';
import { LIMITS } from '../service/limits.ts';

export { ErrorResponse, NoContent } from '../../platform/http/schemas.ts';

/** Ids in paths: anything that is not one of the caller's rows (malformed included) is a 404. */
export const IdParams = Type.Object({ id: Type.String({ maxLength: 100, description: 'A UUID' }) });

export const Uuid = Type.String({ format: 'uuid' });
export const CalendarDate = Type.String({
  format: 'date',
  description: 'YYYY-MM-DD',
  examples: ['2025-10-27'],
});

export const pageQuery = PageQuery.properties;

export { INGREDIENT_LIMITS, LIMITS } from '../service/limits.ts';

const Label = Type.String({ minLength: 1, maxLength: LIMITS.label });

const IngredientFields = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: LIMITS.name, examples: ['spaghetti'] }),
    quantity: Type.Optional(
      Nullable(Type.Number({ minimum: 0, maximum: LIMITS.quantity, description: 'null: to taste' })),
    ),
    quantity_max: Type.Optional(
      Nullable(
        Type.Number({
          minimum: 0,
          maximum: LIMITS.quantity,
          description: 'The top of a range: "2–3 apples" is quantity 2, quantity_max 3',
        }),
      ),
    ),
    unit: Type.Optional(
      Nullable(
        Type.String({
          maxLength: LIMITS.unit,
          description: 'g, kg, oz, lb, ml, l, tsp, tbsp, cup, fl oz, count, or any word (clove, can, pinch)',
        }),
      ),
    ),
    note: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.note, examples: ['finely chopped'] }))),
  },
  { additionalProperties: false },
);

/** An ingredient as sent: a line the server reads ("24 gummy worms"), or the fields split. */
export const Ingredient = Type.Dependent(Type.String(), IngredientLine, IngredientFields, {
  description:
    'A line as a cook writes it ("1½ cups flour, sifted", "24 gummy worms", "salt to taste"), read by the ' +
    'server exactly as POST /api/ingredients/parse shows it; or {name, quantity, quantity_max, unit, note}',
  examples: ['1 pinch of sea salt', { name: 'spaghetti', quantity: 400, unit: 'g' }],
});

const NutritionValue = Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 }));
export const Nutrition = Type.Object(
  {
    protein_g: NutritionValue,
    carbs_g: NutritionValue,
    fat_g: NutritionValue,
    saturated_fat_g: NutritionValue,
    fiber_g: NutritionValue,
    sugar_g: NutritionValue,
    sodium_mg: NutritionValue,
    cholesterol_mg: NutritionValue,
  },
  { additionalProperties: false, description: 'Per serving' },
);

export const Difficulty = Type.Enum(['easy', 'medium', 'hard']);

const recipeFields = {
  description: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.text }))),
  cuisine: Type.Optional(
    Nullable(Type.String({ minLength: 1, maxLength: LIMITS.label, description: 'Stored in lower case' })),
  ),
  difficulty: Type.Optional(Difficulty),
  prep_time_minutes: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: LIMITS.minutes }))),
  cook_time_minutes: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: LIMITS.minutes }))),
  serves: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: LIMITS.serves }))),
  calories: Type.Optional(
    Nullable(Type.Integer({ minimum: 0, maximum: LIMITS.calories, description: 'Per serving' })),
  ),
  ingredients: Type.Optional(Type.Array(Ingredient, { maxItems: LIMITS.ingredients })),
  instructions: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: LIMITS.step }), { maxItems: LIMITS.steps }),
  ),
  nutrition: Type.Optional(Nutrition),
  allergens: Type.Optional(
    Type.Array(Label, {
      maxItems: LIMITS.labels,
      description:
        'What it contains, e.g. gluten, milk, eggs, peanuts, tree nuts, soy, fish, shellfish, sesame',
    }),
  ),
  tags: Type.Optional(Type.Array(Label, { maxItems: LIMITS.labels })),
  image_url: Type.Optional(
    Nullable(
      Type.String({
        maxLength: LIMITS.url,
        format: 'uri',
        pattern: '^https?://',
        examples: ['https://example.com/carbonara.jpg'],
      }),
    ),
  ),
  is_published: Type.Optional(
    Type.Boolean({
      description:
        'Published recipes are readable (not editable) by every signed-in user, and by anyone on their public page (/r/{id})',
    }),
  ),
};

const recipeExample = {
  recipe_name: 'Spaghetti carbonara',
  description: 'Roman classic: eggs, pecorino, guanciale, pepper.',
  cuisine: 'italian',
  difficulty: 'medium',
  prep_time_minutes: 10,
  cook_time_minutes: 15,
  serves: 4,
  calories: 620,
  ingredients: [
    { name: 'spaghetti', quantity: 400, unit: 'g' },
    { name: 'eggs', quantity: 4, unit: 'count', note: 'yolks only' },
    { name: 'pecorino romano', quantity: 100, unit: 'g', note: 'finely grated' },
    { name: 'guanciale', quantity: 150, unit: 'g' },
    { name: 'black pepper', quantity: null, unit: null, note: 'to taste' },
  ],
  instructions: ['Boil the pasta.', 'Crisp the guanciale.', 'Toss off the heat with eggs and cheese.'],
  nutrition: { protein_g: 28, carbs_g: 75, fat_g: 22 },
  allergens: ['gluten', 'eggs', 'milk'],
  tags: ['pasta', 'quick'],
  is_published: true,
};

export const RecipeBody = Type.Object(
  { recipe_name: Type.String({ minLength: 1, maxLength: LIMITS.name }), ...recipeFields },
  { additionalProperties: false, examples: [recipeExample] },
);

export const RecipePatchBody = Type.Object(
  { recipe_name: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.name })), ...recipeFields },
  { additionalProperties: false, minProperties: 1, examples: [{ serves: 2, is_published: false }] },
);

const StoredIngredient = Type.Object({
  name: Type.String(),
  quantity: Nullable(Type.Number()),
  quantity_max: Type.Optional(Type.Number({ description: 'Only on a range ("2–3 apples")' })),
  unit: Nullable(Type.String({ description: 'null: counted ("24 gummy worms") or no amount' })),
  note: Nullable(Type.String()),
});

export const SharedSource = Type.Object(
  {
    domain: Type.Enum(['hollowtown'], { description: 'The app the original lives in' }),
    recipe_id: Type.String({ format: 'uuid', description: 'The original’s id in that app' }),
    reference_id: Type.String({ format: 'uuid' }),
    deleted: Type.Boolean({
      description: 'The original was deleted: this copy keeps its last state until you detach it',
    }),
    synced_at: NullableTimestamp,
  },
  {
    description: 'A copy shared from another app: it follows the original (read-only here) until detached',
  },
);

export const recipeAnswerFields = {
  recipe_id: Uuid,
  user_id: Type.String({
    format: 'uuid',
    description: 'The author (the nil UUID once they deleted their account)',
  }),
  recipe_name: Type.String(),
  description: Nullable(Type.String()),
  cuisine: Nullable(Type.String()),
  difficulty: Difficulty,
  prep_time_minutes: Nullable(Type.Integer()),
  cook_time_minutes: Nullable(Type.Integer()),
  total_time_minutes: Nullable(Type.Integer({ description: 'prep + cook; null when neither is known' })),
  serves: Nullable(Type.Integer()),
  calories: Nullable(Type.Integer({ description: 'Per serving' })),
  ingredients: Type.Array(StoredIngredient),
  instructions: Type.Array(Type.String()),
  nutrition: Type.Object(
    {
      protein_g: Type.Optional(Type.Number()),
      carbs_g: Type.Optional(Type.Number()),
      fat_g: Type.Optional(Type.Number()),
      saturated_fat_g: Type.Optional(Type.Number()),
      fiber_g: Type.Optional(Type.Number()),
      sugar_g: Type.Optional(Type.Number()),
      sodium_mg: Type.Optional(Type.Number()),
      cholesterol_mg: Type.Optional(Type.Number()),
    },
    { description: 'Per serving' },
  ),
  allergens: Type.Array(Type.String()),
  tags: Type.Array(Type.String()),
  image_url: Nullable(Type.String()),
  rating_avg: Type.Number({ minimum: 0, maximum: 5 }),
  rating_count: Type.Integer({ minimum: 0 }),
  is_published: Type.Boolean(),
  is_mine: Type.Boolean({ description: 'Whether you are the author (only the author may change it)' }),
  votes: Type.Optional(communityFields.votes),
  has_voted: Type.Optional(communityFields.has_voted),
  moderation: Type.Optional(communityFields.moderation),
  source: Type.Union(
    [
      Type.Enum(['manual', 'ai', 'imported'], {
        description: 'manual: written by you; ai: generated; imported: from a web page or pasted text',
      }),
      SharedSource,
    ],
    { description: 'Where it comes from: manual, ai, imported, or the original a shared copy follows' },
  ),
  source_url: Nullable(Type.String({ description: 'The web page an imported recipe came from' })),
  created_at: Timestamp,
  updated_at: Timestamp,
};

export const Recipe = Type.Object(recipeAnswerFields, { description: 'A recipe' });

export const RecipeDetail = Type.Object(
  {
    ...recipeAnswerFields,
    my_rating: Nullable(
      Type.Integer({ minimum: 1, maximum: 5, description: 'Your rating, if you gave one' }),
    ),
    is_favourite: Type.Boolean({ description: 'Whether you marked it a favourite' }),
    scaled_from_serves: Nullable(
      Type.Integer({ description: 'With ?servings: how many the recipe serves as written (else null)' }),
    ),
  },
  { description: 'A recipe, with your rating and favourite mark' },
);

export const GeneratedRecipeAnswer = Type.Object(
  {
    ...recipeAnswerFields,
    generation: Type.Object({
      model: Type.String(),
      provider: Type.String(),
      attempts: Type.Integer({
        minimum: 1,
        description: 'Answers asked for (a malformed one is asked again)',
      }),
      credits: Type.Number({ minimum: 0, description: 'Credits spent over every attempt' }),
    }),
  },
  { description: 'The stored recipe, with how it was generated' },
);

export const QuantityLine = Type.Object({
  name: Type.String(),
  quantity: Nullable(Type.Number()),
  unit: Nullable(Type.String()),
});

export { bearer, Nullable, NullableTimestamp, Page, Timestamp };
