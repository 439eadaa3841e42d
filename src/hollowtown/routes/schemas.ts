// Schema pieces the Hollowtown routes share: items, tags, ids, pages, and their limits.

import { Type } from 'typebox';
import { IngredientLine } from '../../ingredients/schemas.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import { bearer, Nullable, Page } from '../../platform/http/schemas.ts';
import { LIMITS, NOT_BLANK, TAG_PATTERN } from '../service/limits.ts';

export { ErrorResponse, NoContent, Timestamp } from '../../platform/http/schemas.ts';

export const DIFFICULTIES = ['easy', 'medium', 'hard', 'nightmare'] as const;
export const Difficulty = Type.Enum(DIFFICULTIES, { description: 'easy, medium, hard or nightmare' });

export const Name = Type.String({ minLength: 1, maxLength: LIMITS.name, description: 'Not blank' });
export const Description = Type.String({ maxLength: LIMITS.description });
export const ItemName = Type.String({ minLength: 1, maxLength: LIMITS.itemName, pattern: NOT_BLANK });
export const Quantity = Type.Number({ exclusiveMinimum: 0, maximum: LIMITS.quantity });
export const Unit = Type.String({ minLength: 1, maxLength: LIMITS.unit, examples: ['g'] });
export const Note = Type.String({ maxLength: LIMITS.note });
export const Cents = Type.Integer({ minimum: 0, maximum: LIMITS.cents });

/** {name, quantity, unit, note}: the ingredient shape HowToCookAtHome shares. */
export const IngredientInput = Type.Object(
  {
    name: ItemName,
    quantity: Type.Optional(Nullable(Quantity)),
    unit: Type.Optional(Nullable(Unit)),
    note: Type.Optional(Nullable(Note)),
  },
  {
    additionalProperties: false,
    description: 'quantity, unit and note may be left out (stored as null), e.g. for "salt, to taste"',
  },
);

/** A recipe's ingredient: as a line the server reads ("24 gummy worms"), or split already. */
export const RecipeIngredientInput = Type.Dependent(
  Type.String(),
  IngredientLine,
  Type.Object(
    {
      ...IngredientInput.properties,
      quantity_max: Type.Optional(
        Nullable(
          Type.Number({
            exclusiveMinimum: 0,
            maximum: LIMITS.quantity,
            description: 'The top of a range: "2–3 apples" is quantity 2, quantity_max 3',
          }),
        ),
      ),
    },
    { additionalProperties: false },
  ),
  {
    description:
      'A line as a cook writes it ("1½ cups flour, sifted", "24 gummy worms", "salt to taste"), read by the ' +
      'server exactly as POST /api/ingredients/parse shows it; or {name, quantity, quantity_max, unit, note}',
    examples: ['1 pinch of sea salt', { name: 'gummy worms', quantity: 24, unit: null }],
  },
);

export const Ingredient = Type.Object({
  name: Type.String(),
  quantity: Nullable(Type.Number()),
  quantity_max: Type.Optional(Type.Number({ description: 'Only on a range ("2–3 apples")' })),
  unit: Nullable(Type.String({ description: 'null: counted ("24 gummy worms") or no amount' })),
  note: Nullable(Type.String()),
});

export const Steps = Type.Array(Type.String({ minLength: 1, maxLength: LIMITS.step, pattern: NOT_BLANK }), {
  maxItems: LIMITS.steps,
  description: `At most ${LIMITS.steps} steps of at most ${LIMITS.step} characters`,
});

export const Tag = Type.String({ minLength: 1, maxLength: LIMITS.tagLength, pattern: TAG_PATTERN });
export const Tags = Type.Array(Tag, {
  maxItems: LIMITS.tags,
  description: 'Letters, digits, spaces and hyphens; stored in lower case, each once',
});

export const ImageUrl = Type.String({
  maxLength: LIMITS.imageUrl,
  format: 'uri',
  pattern: '^https?://',
  examples: ['https://images.example.com/graveyard-cake.jpg'],
});

/** Path ids: anything that is not a UUID is simply not found (404), like someone else's row. */
export const IdParams = Type.Object(
  {
    id: Type.String({ description: 'A UUID', examples: ['6f1c2a8e-1f5b-4c1e-9d7a-2b8f0e6c4a11'] }),
  },
  { additionalProperties: false },
);

export const SearchText = Type.String({
  minLength: 1,
  maxLength: LIMITS.search,
  description: 'Words to find (each must appear), case-insensitive',
});

export const QueryTags = Type.Array(Type.String({ minLength: 1, maxLength: 500 }), {
  maxItems: LIMITS.tags,
  description:
    'Rows carrying all of these tags: repeat the parameter (tags=a&tags=b) or separate with commas',
});

export const QueryDifficulty = Type.Array(Difficulty, {
  maxItems: DIFFICULTIES.length,
  description: 'Any of these difficulties (repeat the parameter)',
});

export const pageProperties = PageQuery.properties;

export { bearer, Nullable, Page };
