// /api/shopping-lists: a family's shared shopping lists, changed with an Idempotency-Key and
// followed live at /api/shopping-lists/:id/stream (server-sent events, Last-Event-ID replay).
import { Type } from 'typebox';
import type { Affiliate } from '../../affiliate/index.ts';
import {
  affiliateDisclosureField,
  buyLinksField,
  linkerFor,
  linkList,
  withLinks,
} from '../../affiliate/routes.ts';
import { AISLES } from '../../ingredients/aisles.ts';
import { requireUser } from '../../platform/auth/guard.ts';
import { IdempotencyHeaders } from '../../platform/http/idempotency.ts';
import {
  bearer,
  ErrorResponse,
  NoContent,
  NullableTimestamp,
  Timestamp,
} from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import { lastEventId, openSse } from '../../platform/http/sse.ts';
import type { ShoppingListService } from '../service/shopping-lists.ts';

const Id = Type.String({ maxLength: 64 });
const AisleName = Type.Enum([...AISLES], { description: 'An aisle (category) of a shop' });
const Item = Type.Object({
  item_id: Type.String(),
  name: Type.String(),
  quantity: Type.Union([Type.Number(), Type.Null()]),
  unit: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  cost_cents: Type.Union([Type.Integer(), Type.Null()]),
  aisle: AisleName,
  origin: Type.String(),
  checked: Type.Boolean(),
  checked_by: Type.Union([Type.String(), Type.Null()]),
  checked_at: NullableTimestamp,
  version: Type.Integer(),
  ...buyLinksField,
});
const List = Type.Object({
  list_id: Type.String(),
  family_id: Type.String(),
  list_name: Type.String(),
  version: Type.Integer(),
  source: Type.Union([Type.Object({ domain: Type.String(), id: Type.String() }), Type.Null()]),
  store_name: Type.Union([Type.String(), Type.Null()], { description: 'The store the list is for' }),
  aisle_order: Type.Array(AisleName, {
    description: 'The aisles in the order the store is walked; those left out come after',
  }),
  estimated_cost_cents: Type.Integer(),
  items: Type.Array(Item),
  created_at: Timestamp,
  updated_at: Timestamp,
  ...affiliateDisclosureField,
});
const Quantity = Type.Union([Type.Number({ minimum: 0, maximum: 999999 }), Type.Null()]);
const Unit = Type.Union([Type.String({ minLength: 1, maxLength: 30 }), Type.Null()]);
const Note = Type.Union([Type.String({ maxLength: 500 }), Type.Null()]);
const Cost = Type.Union([
  Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Expected cost in cents' }),
  Type.Null(),
]);

export function registerShoppingListRoutes(app: App, lists: ShoppingListService, affiliate?: Affiliate) {
  app.get(
    '/api/shopping-lists',
    {
      schema: {
        tags: ['shopping lists'],
        summary: 'The shopping lists of a family',
        security: bearer,
        querystring: Type.Object({ family_id: Id }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Intersect([List, Type.Object({ item_count: Type.Integer() })])),
          }),
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      const found = await lists.listForFamily(userId, request.query.family_id);
      const linker = await linkerFor(affiliate, userId);
      return { items: found.map((list) => linkList(linker, 'grocery', list, 'items')) };
    },
  );

  app.post(
    '/api/shopping-lists',
    {
      schema: {
        tags: ['shopping lists'],
        summary: 'Start a shopping list for a family (parents and admins)',
        security: bearer,
        body: Type.Object(
          { family_id: Id, list_name: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false, examples: [{ family_id: '3f0c…', list_name: 'Saturday market' }] },
        ),
        response: { 201: List, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await lists.create(requireUser(request).userId, request.body)),
  );

  app.get(
    '/api/shopping-lists/:id',
    {
      schema: {
        tags: ['shopping lists'],
        summary: 'A shopping list with its items; every member of the family can read it',
        security: bearer,
        params: Type.Object({ id: Id }),
        response: { 200: List, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      const list = await lists.get(userId, request.params.id);
      return linkList(await linkerFor(affiliate, userId), 'grocery', list, 'items');
    },
  );

  app.delete(
    '/api/shopping-lists/:id',
    {
      schema: {
        tags: ['shopping lists'],
        summary: 'Delete a shopping list (parents and admins)',
        security: bearer,
        params: Type.Object({ id: Id }),
        response: { 204: NoContent, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await lists.remove(requireUser(request).userId, request.params.id);
      return reply.status(204).send();
    },
  );

  app.patch(
    '/api/shopping-lists/:id',
    {
      schema: {
        tags: ['shopping lists'],
        summary:
          'Set the store a list is for and the order of its aisles (any member); send an Idempotency-Key',
        description:
          'The list shows its items grouped by aisle in this order (aisles left out come after, in the default ' +
          'order). Members following the list get a `list.updated` event.',
        security: bearer,
        params: Type.Object({ id: Id }),
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            store_name: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
            aisle_order: Type.Optional(Type.Array(AisleName, { maxItems: AISLES.length })),
          },
          {
            additionalProperties: false,
            minProperties: 1,
            examples: [
              { store_name: 'Corner market', aisle_order: ['bakery', 'produce', 'dairy', 'drinks'] },
            ],
          },
        ),
        response: {
          200: Type.Object({
            store_name: Type.Union([Type.String(), Type.Null()]),
            aisle_order: Type.Array(AisleName),
            version: Type.Integer(),
          }),
          400: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) =>
      lists.updateStore(
        requireUser(request).userId,
        request.params.id,
        request.headers['idempotency-key'],
        request.body,
      ),
  );

  app.post(
    '/api/shopping-lists/:id/items',
    {
      schema: {
        tags: ['shopping lists'],
        summary: 'Add an item (any member); send an Idempotency-Key so a retry adds it once',
        description:
          'An item still to buy that a member added by hand under the same name (any case) and unit is not ' +
          'added twice: this add joins it (quantities and costs add up) and the answer is 200 with the item. ' +
          'A new item answers 201. A retry with the same Idempotency-Key answers as the first time.',
        security: bearer,
        params: Type.Object({ id: Id }),
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            quantity: Type.Optional(Quantity),
            unit: Type.Optional(Unit),
            note: Type.Optional(Note),
            cost_cents: Type.Optional(Cost),
            aisle: Type.Optional(AisleName),
          },
          {
            additionalProperties: false,
            examples: [{ name: 'pumpkins', quantity: 3, unit: 'count', cost_cents: 900, aisle: 'produce' }],
          },
        ),
        response: { 200: Item, 201: Item, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { name, quantity = null, unit = null, note = null, cost_cents = null, aisle } = request.body;
      const { userId } = requireUser(request);
      const item = await lists.addItem(userId, request.params.id, request.headers['idempotency-key'], {
        name,
        quantity,
        unit,
        note,
        costCents: cost_cents,
        aisle,
      });
      const { merged, ...view } = item;
      return reply
        .status(merged ? 200 : 201)
        .send(withLinks(await linkerFor(affiliate, userId), 'grocery', view));
    },
  );

  app.patch(
    '/api/shopping-lists/:id/items/:itemId',
    {
      schema: {
        tags: ['shopping lists'],
        summary: 'Check an item off (or change it); send an Idempotency-Key, optionally expected_version',
        description:
          'Every change bumps the list version; all members see changes in version order. With expected_version, a ' +
          'change made against an older version of the item is refused with 409 VERSION_CONFLICT.',
        security: bearer,
        params: Type.Object({ id: Id, itemId: Id }),
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            checked: Type.Optional(Type.Boolean()),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            quantity: Type.Optional(Quantity),
            unit: Type.Optional(Unit),
            note: Type.Optional(Note),
            cost_cents: Type.Optional(Cost),
            aisle: Type.Optional(AisleName),
            expected_version: Type.Optional(Type.Integer({ minimum: 0 })),
          },
          {
            additionalProperties: false,
            minProperties: 1,
            examples: [{ checked: true }, { cost_cents: 450 }],
          },
        ),
        response: { 200: Item, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      const item = await lists.updateItem(
        userId,
        request.params.id,
        request.params.itemId,
        request.headers['idempotency-key'],
        request.body,
      );
      return withLinks(await linkerFor(affiliate, userId), 'grocery', item);
    },
  );

  app.delete(
    '/api/shopping-lists/:id/items/:itemId',
    {
      schema: {
        tags: ['shopping lists'],
        summary: 'Remove an item (any member); send an Idempotency-Key',
        security: bearer,
        params: Type.Object({ id: Id, itemId: Id }),
        headers: IdempotencyHeaders,
        response: {
          200: Type.Object({ item_id: Type.String(), removed: Type.Boolean() }),
          404: ErrorResponse,
        },
      },
    },
    async (request) =>
      lists.removeItem(
        requireUser(request).userId,
        request.params.id,
        request.params.itemId,
        request.headers['idempotency-key'],
      ),
  );

  app.get(
    '/api/shopping-lists/:id/stream',
    {
      schema: {
        tags: ['shopping lists'],
        summary: 'Follow a list live (server-sent events)',
        description:
          'Without Last-Event-ID the stream starts with a `snapshot` event (id = the list version); then one event per ' +
          'change (`item.added`, `item.updated`, `item.removed`, `list.regenerated`), its id the new version. A ' +
          'reconnecting client sends Last-Event-ID (or ?last_event_id=) and gets every change it missed, in order.',
        security: bearer,
        params: Type.Object({ id: Id }),
        querystring: Type.Object({ last_event_id: Type.Optional(Type.String({ maxLength: 20 })) }),
        response: { 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const from = lastEventId(request);
      const afterSeq = from !== undefined && /^\d{1,15}$/.test(from) ? Number(from) : undefined;
      let stream: ReturnType<typeof openSse> | undefined;
      const pending: Parameters<Parameters<ShoppingListService['follow']>[3]>[0][] = [];
      const deliver = (event: (typeof pending)[number]) => {
        if (!stream) {
          pending.push(event);
          return;
        }
        if ('snapshot' in event)
          stream.send({
            id: event.snapshot.version,
            event: 'snapshot',
            data: linkList(linker, 'grocery', event.snapshot, 'items'),
          });
        else stream.send({ id: event.seq, event: event.kind, data: event });
      };
      // Throws 404 before anything is sent when the caller may not read the list.
      const access = await lists.streamAccess(user.userId, request.params.id);
      const linker = await linkerFor(affiliate, user.userId);
      const unsubscribe = await lists.follow(user.userId, request.params.id, afterSeq, deliver);
      stream = openSse(request, reply, { access });
      for (const event of pending.splice(0)) deliver(event);
      await stream.closed;
      unsubscribe();
    },
  );
}
