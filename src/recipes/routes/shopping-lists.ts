// /api/shopping-lists: lists with items, checkboxes, costs and aisles; the total is kept by the
// server. Items are added one at a time with an Idempotency-Key, so an offline outbox may resend.
import { Type } from 'typebox';
import {
  affiliateDisclosureField,
  buyLinksField,
  IgnoredBuyLinks,
  linkerFor,
  linkList,
} from '../../affiliate/routes.ts';
import { AISLES } from '../../ingredients/aisles.ts';
import { IngredientLine } from '../../ingredients/schemas.ts';
import { requireUser } from '../../platform/auth/guard.ts';
import { IdempotencyHeaders } from '../../platform/http/idempotency.ts';
import type { App } from '../../platform/http/service.ts';
import type { RecipesServices } from '../index.ts';
import {
  bearer,
  ErrorResponse,
  IdParams,
  LIMITS,
  NoContent,
  Nullable,
  NullableTimestamp,
  Page,
  pageQuery,
  Timestamp,
  Uuid,
} from './schemas.ts';

const tags = ['Shopping lists'];

const AisleName = Type.Enum([...AISLES], { description: 'An aisle (category) of a shop' });
const AisleOrder = Type.Array(AisleName, {
  maxItems: AISLES.length,
  description: 'The aisles in the order the store is walked; those left out come after, in the default order',
});

const itemFields = {
  name: Type.String({ minLength: 1, maxLength: LIMITS.name }),
  quantity: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: LIMITS.quantity }))),
  unit: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.unit }))),
  cost_cents: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: LIMITS.costCents }))),
  note: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.note }))),
  aisle: Type.Optional({ ...AisleName, description: 'Guessed from the name when not given' }),
};

const ItemBody = Type.Object(
  {
    ...itemFields,
    checked: Type.Optional(Type.Boolean({ description: 'Default false' })),
    buy_links: IgnoredBuyLinks,
  },
  { additionalProperties: false },
);

const Item = Type.Object({
  name: Type.String(),
  quantity: Nullable(Type.Number()),
  unit: Nullable(Type.String()),
  checked: Type.Boolean(),
  cost_cents: Nullable(Type.Integer()),
  note: Nullable(Type.String()),
  aisle: AisleName,
  ...buyLinksField,
});

export const ShoppingList = Type.Object(
  {
    list_id: Uuid,
    list_name: Type.String(),
    store: Nullable(Type.String()),
    aisle_order: AisleOrder,
    items: Type.Array(Item),
    total_cost_cents: Type.Integer({ minimum: 0, description: 'Always the sum of the items’ cost_cents' }),
    open_items: Type.Integer({ minimum: 0, description: 'Items not checked off yet' }),
    purchased_at: NullableTimestamp,
    plan_id: Nullable(Type.String({ format: 'uuid', description: 'The meal plan it was generated from' })),
    created_at: Timestamp,
    updated_at: Timestamp,
    ...affiliateDisclosureField,
  },
  { description: 'A shopping list' },
);

const listFields = {
  store: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
  aisle_order: Type.Optional(AisleOrder),
  items: Type.Optional(
    Type.Array(
      Type.Dependent(Type.String(), IngredientLine, ItemBody, {
        description: 'An item, or a line read as a recipe ingredient is ("2-3 apples" buys 3)',
      }),
      {
        maxItems: LIMITS.shoppingItems,
        description: 'The whole list (replaces it on PATCH)',
      },
    ),
  ),
  purchased_at: Type.Optional(
    Nullable(Type.String({ format: 'date-time', description: 'Set when bought; null reopens the list' })),
  ),
};

const itemsExample = [
  '2-3 apples',
  { name: 'spaghetti', quantity: 800, unit: 'g', cost_cents: 298 },
  { name: 'eggs', quantity: 6, unit: 'count', checked: true, cost_cents: 349 },
  { name: 'black pepper', note: 'whole' },
];

const ListBody = Type.Object(
  { list_name: Type.String({ minLength: 1, maxLength: LIMITS.name }), ...listFields },
  {
    additionalProperties: false,
    examples: [{ list_name: 'Weekend', store: 'Farmers market', items: itemsExample }],
  },
);

const ListPatchBody = Type.Object(
  { list_name: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.name })), ...listFields },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ items: itemsExample }, { purchased_at: '2025-10-30T17:45:00Z' }],
  },
);

/** A list as this person sees it: with "Buy at …" links on its items when they are on. */
export async function withBuyLinks<T extends { items: { name: string }[] }>(
  services: Pick<RecipesServices, 'deps'>,
  userId: string,
  list: T,
) {
  return linkList(await linkerFor(services.deps.affiliate, userId), 'grocery', list, 'items');
}

export function registerShoppingListRoutes(app: App, services: RecipesServices): void {
  const { shoppingLists } = services;
  app.get(
    '/api/shopping-lists',
    {
      schema: {
        tags,
        summary: 'Your shopping lists, newest first',
        security: bearer,
        querystring: Type.Object(
          {
            ...pageQuery,
            status: Type.Optional(
              Type.Enum(['open', 'purchased'], { description: 'open: not purchased yet; purchased: bought' }),
            ),
            plan_id: Type.Optional(
              Type.String({ maxLength: 100, description: 'Only lists made from this plan' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Page(ShoppingList, 'One page of shopping lists'),
          400: ErrorResponse,
          401: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      const page = await shoppingLists.list(userId, { ...request.query, limit: request.query.limit ?? 20 });
      const linker = await linkerFor(services.deps.affiliate, userId);
      return { ...page, items: page.items.map((list) => linkList(linker, 'grocery', list, 'items')) };
    },
  );

  app.post(
    '/api/shopping-lists',
    {
      schema: {
        tags,
        summary: 'Start a shopping list',
        security: bearer,
        body: ListBody,
        response: { 201: ShoppingList, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { userId } = requireUser(request);
      return reply
        .status(201)
        .send(await withBuyLinks(services, userId, await shoppingLists.create(userId, request.body)));
    },
  );

  app.get(
    '/api/shopping-lists/:id',
    {
      schema: {
        tags,
        summary: 'One shopping list',
        security: bearer,
        params: IdParams,
        response: { 200: ShoppingList, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      return withBuyLinks(services, userId, await shoppingLists.get(userId, request.params.id));
    },
  );

  app.patch(
    '/api/shopping-lists/:id',
    {
      schema: {
        tags,
        summary: 'Change a shopping list',
        description: 'items replaces the whole list (check items off by sending them with checked: true).',
        security: bearer,
        params: IdParams,
        body: ListPatchBody,
        response: { 200: ShoppingList, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      return withBuyLinks(
        services,
        userId,
        await shoppingLists.update(userId, request.params.id, request.body),
      );
    },
  );

  app.post(
    '/api/shopping-lists/:id/items',
    {
      schema: {
        tags,
        summary: 'Add an item; send an Idempotency-Key so a resend adds it once',
        description:
          'An item still to buy under the same name (any case) and unit is not listed twice: this add joins it ' +
          '(quantities and costs add up) and the answer is 200. A new item answers 201. Either way the answer is ' +
          'the whole list. A resend with the same Idempotency-Key changes nothing and answers as the first time ' +
          '(with the list as it is now); the same key with another item is 409 IDEMPOTENCY_KEY_REUSED. ' +
          '409 SHOPPING_LIST_FULL when the list holds the most items it may.',
        security: bearer,
        params: IdParams,
        headers: IdempotencyHeaders,
        body: Type.Object(itemFields, {
          additionalProperties: false,
          examples: [{ name: 'potatoes', quantity: 2, unit: 'kg', aisle: 'produce' }],
        }),
        response: {
          200: ShoppingList,
          201: ShoppingList,
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { userId } = requireUser(request);
      const { list, added } = await shoppingLists.addItem(
        userId,
        request.params.id,
        request.headers['idempotency-key'],
        request.body,
      );
      return reply.status(added ? 201 : 200).send(await withBuyLinks(services, userId, list));
    },
  );

  app.put(
    '/api/shopping-lists/:id/checked',
    {
      schema: {
        tags,
        summary: 'Tick an item off (or untick it), by its name and unit',
        description:
          'Sets `checked` on the items of this name (any case) and unit, leaving the rest of the list as it is: ' +
          'safe to send again (an offline outbox resending after a lost answer). 404 SHOPPING_ITEM_NOT_FOUND when ' +
          'no such item is on the list (removed meanwhile).',
        security: bearer,
        params: IdParams,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: LIMITS.name }),
            unit: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.unit }))),
            checked: Type.Boolean(),
          },
          { additionalProperties: false, examples: [{ name: 'potatoes', unit: 'kg', checked: true }] },
        ),
        response: { 200: ShoppingList, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      const { name, unit = null, checked } = request.body;
      return withBuyLinks(
        services,
        userId,
        await shoppingLists.setChecked(userId, request.params.id, { name, unit, checked }),
      );
    },
  );

  app.delete(
    '/api/shopping-lists/:id',
    {
      schema: {
        tags,
        summary: 'Delete a shopping list',
        security: bearer,
        params: IdParams,
        response: { 204: NoContent, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await shoppingLists.remove(requireUser(request).userId, request.params.id);
      return reply.status(204).send();
    },
  );
}
