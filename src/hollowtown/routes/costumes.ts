// /api/costumes: the shared costume gallery, ranked by upvotes; one upvote per user.
import { Type } from 'typebox';
import type { Affiliate } from '../../affiliate/index.ts';
import {
  affiliateDisclosureField,
  buyLinksField,
  IgnoredBuyLinks,
  linkerFor,
  linkList,
} from '../../affiliate/routes.ts';
import { communityFields, listOrderProperties } from '../../community/routes.ts';
import { requireUser } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import type { CostumeService } from '../service/costumes.ts';
import { LIMITS } from '../service/limits.ts';
import {
  bearer,
  Cents,
  Description,
  Difficulty,
  ErrorResponse,
  IdParams,
  ImageUrl,
  Ingredient,
  IngredientInput,
  Name,
  NoContent,
  Nullable,
  Page,
  pageProperties,
  QueryDifficulty,
  QueryTags,
  SearchText,
  Tags,
  Timestamp,
} from './schemas.ts';

const tags = ['Costume ideas'];

const Material = Type.Object({ ...Ingredient.properties, ...buyLinksField });
const MaterialInput = Type.Object(
  { ...IngredientInput.properties, buy_links: IgnoredBuyLinks },
  {
    additionalProperties: false,
    description: 'quantity, unit and note may be left out (stored as null), e.g. for "salt, to taste"',
  },
);

const Costume = Type.Object(
  {
    costume_id: Type.String({ format: 'uuid' }),
    costume_name: Type.String(),
    description: Nullable(Type.String()),
    difficulty: Difficulty,
    materials: Type.Array(Material),
    cost_estimate_cents: Nullable(Type.Integer()),
    image_url: Nullable(Type.String()),
    tags: Type.Array(Type.String()),
    upvotes: Type.Integer({ minimum: 0, description: 'The same count as votes, kept for older clients' }),
    has_upvoted: Type.Boolean({ description: 'Whether you have upvoted it (the same as has_voted)' }),
    ...communityFields,
    is_mine: Type.Boolean({ description: 'Whether you posted it (only you can change it)' }),
    for_sale: Nullable(
      Type.Object(
        { listing_id: Type.String({ format: 'uuid' }), price: Type.Integer({ description: 'In credits' }) },
        { description: 'Its pattern is for sale in the marketplace: GET /api/market/listings/{listing_id}' },
      ),
    ),
    is_preview: Type.Boolean({
      description:
        'true: its pattern is sold in the marketplace and you are neither its author nor a buyer, so description is null and materials empty',
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
    ...affiliateDisclosureField,
  },
  {
    description: 'A costume idea',
    examples: [
      {
        costume_id: '9d2f7c1e-5a4b-4e0f-8c3d-1b2a3c4d5e6f',
        costume_name: 'Cardboard robot',
        description: 'Boxes, foil and a flashlight heart.',
        difficulty: 'easy',
        materials: [{ name: 'cardboard boxes', quantity: 3, unit: null, note: 'one large' }],
        cost_estimate_cents: 1200,
        image_url: null,
        tags: ['kids', 'diy'],
        upvotes: 42,
        has_upvoted: false,
        votes: 42,
        has_voted: false,
        moderation: null,
        is_mine: false,
        for_sale: null,
        is_preview: false,
        created_at: '2025-10-01T12:00:00.000Z',
        updated_at: '2025-10-01T12:00:00.000Z',
      },
    ],
  },
);

const CreateCostume = Type.Object(
  {
    costume_name: Name,
    description: Type.Optional(Nullable(Description)),
    difficulty: Type.Optional(
      Type.Enum(['easy', 'medium', 'hard', 'nightmare'] as const, { description: 'Default medium' }),
    ),
    materials: Type.Optional(
      Type.Array(MaterialInput, {
        maxItems: LIMITS.materials,
        description: '{name, quantity, unit, note}',
      }),
    ),
    cost_estimate_cents: Type.Optional(Nullable(Cents)),
    image_url: Type.Optional(Nullable(ImageUrl)),
    tags: Type.Optional(Tags),
  },
  {
    additionalProperties: false,
    examples: [
      {
        costume_name: 'Cardboard robot',
        description: 'Boxes, foil and a flashlight heart.',
        difficulty: 'easy',
        materials: [{ name: 'cardboard boxes', quantity: 3, note: 'one large' }, { name: 'aluminium foil' }],
        cost_estimate_cents: 1200,
        tags: ['kids', 'diy'],
      },
    ],
  },
);

const PatchCostume = Type.Partial(CreateCostume, {
  additionalProperties: false,
  minProperties: 1,
  description: 'Only the fields sent change; null clears an optional field',
  examples: [{ cost_estimate_cents: 900 }],
});

const ListQuery = Type.Object(
  {
    ...pageProperties,
    scope: Type.Optional(
      Type.Enum(['all', 'mine', 'upvoted'] as const, {
        description: 'all (default): the whole gallery; mine: ideas you posted; upvoted: ideas you upvoted',
      }),
    ),
    tags: Type.Optional(QueryTags),
    difficulty: Type.Optional(QueryDifficulty),
    max_cost_cents: Type.Optional(Type.Integer({ minimum: 0, maximum: LIMITS.cents })),
    q: Type.Optional(SearchText),
    sort: Type.Optional(
      Type.Enum(['top', 'new'] as const, {
        description: 'top (default): most upvoted first; new: newest first',
      }),
    ),
    period: listOrderProperties.period,
  },
  { additionalProperties: false },
);

const notYours = 'Only its author; anyone else gets 404 COSTUME_NOT_FOUND, as for a missing idea.';

export function registerCostumeRoutes(app: App, costumes: CostumeService, affiliate?: Affiliate): void {
  /** Costumes as this person sees them: "Buy at …" links on materials when they are on. */
  const linked = async <T extends { materials: { name: string }[] }>(userId: string, costume: T) =>
    linkList(await linkerFor(affiliate, userId), 'costume-material', costume, 'materials');

  app.get(
    '/api/costumes',
    {
      schema: {
        tags,
        summary: 'The costume gallery: most upvoted first, then newest',
        description:
          'Every signed-in user sees every idea. Filters combine: tags (all of them), difficulty (any of them), ' +
          'maximum cost, q (words in the name or description). Page on with next_cursor; votes cast while ' +
          'paging can move an idea between pages.',
        security: bearer,
        querystring: ListQuery,
        response: { 200: Page(Costume, 'One page of costume ideas'), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      const page = await costumes.list(userId, request.query);
      const linker = await linkerFor(affiliate, userId);
      return {
        ...page,
        items: page.items.map((c) => linkList(linker, 'costume-material', c, 'materials')),
      };
    },
  );

  app.post(
    '/api/costumes',
    {
      schema: {
        tags,
        summary: 'Share a costume idea',
        description:
          'Ideas are a shared gallery: every signed-in user can upvote yours, and anyone can read it on its public page (/c/{id}).',
        security: bearer,
        body: CreateCostume,
        response: { 201: Costume, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { userId } = requireUser(request);
      return reply.status(201).send(await linked(userId, await costumes.create(userId, request.body)));
    },
  );

  app.get(
    '/api/costumes/:id',
    {
      schema: {
        tags,
        summary: 'One costume idea',
        security: bearer,
        params: IdParams,
        response: { 200: Costume, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      return linked(userId, await costumes.get(userId, request.params.id));
    },
  );

  app.patch(
    '/api/costumes/:id',
    {
      schema: {
        tags,
        summary: 'Change your costume idea',
        description: notYours,
        security: bearer,
        params: IdParams,
        body: PatchCostume,
        response: { 200: Costume, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      return linked(userId, await costumes.update(userId, request.params.id, request.body));
    },
  );

  app.delete(
    '/api/costumes/:id',
    {
      schema: {
        tags,
        summary: 'Delete your costume idea (and its upvotes)',
        description: `${notYours} A costume bought in the marketplace (and not refunded) stays for its buyers: deleting it answers 409 \`ITEM_HAS_BUYERS\` with \`details.buyers\`; unlist it to stop selling it.`,
        security: bearer,
        params: IdParams,
        response: { 204: NoContent, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      await costumes.remove(requireUser(request).userId, request.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/costumes/:id/upvote',
    {
      schema: {
        tags,
        summary: 'Upvote a costume idea',
        description:
          'One upvote per user: upvoting again changes nothing. Answers the idea with its count now.',
        security: bearer,
        params: IdParams,
        response: { 200: Costume, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      return linked(userId, await costumes.upvote(userId, request.params.id));
    },
  );

  app.delete(
    '/api/costumes/:id/upvote',
    {
      schema: {
        tags,
        summary: 'Take your upvote back',
        description: 'Without an upvote of yours, nothing changes (still 204).',
        security: bearer,
        params: IdParams,
        response: { 204: NoContent, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await costumes.removeUpvote(requireUser(request).userId, request.params.id);
      return reply.status(204).send();
    },
  );
}
