// Costume ideas: a gallery shared by every signed-in user, ranked by upvotes. Anyone signed in
// sees every idea and may upvote it once; only its author edits or deletes it (to anyone else
// those answer 404, as for a missing idea).

import { type ItemSummary, type Period, periodStart } from '../../community/service.ts';
import { keyset, pageFilters, RANK_KEY, TIME_KEY } from '../../platform/http/pagination.ts';
import type { Difficulty } from '../client.ts';
import type { HollowtownDeps } from '../deps.ts';
import { HollowtownErrors, MarketErrors } from '../errors.ts';
import {
  type CostumeFields,
  type CostumeRow,
  deleteCostume,
  findCostume,
  insertCostume,
  listCostumes,
  updateCostume,
} from '../store/costumes.ts';
import { findOwnItem, lockBuyersOfItem } from '../store/market.ts';
import { cleanName, cleanOptionalName, isUuid, normaliseTags, queryTags, toIngredient } from './common.ts';
import type { HollowtownCommunity } from './community.ts';
import { DEFAULT_DIFFICULTY, type IngredientInput } from './recipes.ts';

export interface CostumeInput {
  costume_name: string;
  description?: string | null;
  difficulty?: Difficulty;
  materials?: IngredientInput[];
  cost_estimate_cents?: number | null;
  image_url?: string | null;
  tags?: string[];
}

export type CostumePatch = Partial<CostumeInput>;

export interface CostumeQuery {
  scope?: 'all' | 'mine' | 'upvoted';
  tags?: string[];
  difficulty?: Difficulty[];
  max_cost_cents?: number;
  q?: string;
  sort?: 'top' | 'new';
  period?: Period;
  limit?: number;
  cursor?: string;
}

export type CostumeView = Omit<
  CostumeRow,
  'user_id' | 'cursor_at' | 'sale_listing_id' | 'sale_price' | 'is_pattern_sold' | 'is_bought'
> & {
  is_mine: boolean;
  /** Its listing in the marketplace while it is for sale. */
  for_sale: { listing_id: string; price: number } | null;
  /** Only the preview: the pattern is sold, and the viewer is neither its author nor a buyer. */
  is_preview: boolean;
} & ItemSummary;

/**
 * A costume whose pattern is sold in the marketplace keeps its description and materials for its
 * author and buyers: anyone else sees what the listing's preview shows (name, difficulty, picture,
 * tags, cost) and where to buy it.
 */
export const isPreviewOnly = (row: CostumeRow, viewerId: string | null) =>
  row.is_pattern_sold && row.user_id !== viewerId && !row.is_bought;

/** Most upvoted first (the default), or newest first. */
const BY_TOP = keyset('hollowtown.costumes:top', RANK_KEY);
const BY_NEW = keyset('hollowtown.costumes:new', TIME_KEY);

export function createCostumeService(deps: HollowtownDeps, community: HollowtownCommunity) {
  const { db } = deps;

  /** Costumes as shown: votes (upvotes is the same count, kept for older clients) and moderation. */
  const toViews = async (rows: CostumeRow[], viewerId: string): Promise<CostumeView[]> => {
    const summaries = await community.summaries(
      'costume',
      rows.map((r) => r.costume_id),
      viewerId,
    );
    return rows.map((row) => {
      const {
        user_id,
        cursor_at: _cursor,
        sale_listing_id,
        sale_price,
        is_pattern_sold: _sold,
        is_bought: _bought,
        ...costume
      } = row;
      const moderation = summaries.get(row.costume_id)?.moderation ?? null;
      const isPreview = isPreviewOnly(row, viewerId);
      return {
        ...costume,
        ...(isPreview ? { description: null, materials: [] } : {}),
        is_preview: isPreview,
        for_sale:
          sale_listing_id && sale_price !== null ? { listing_id: sale_listing_id, price: sale_price } : null,
        is_mine: user_id === viewerId,
        votes: row.upvotes,
        has_voted: row.has_upvoted,
        moderation,
      };
    });
  };
  const toCostumeView = async (row: CostumeRow, viewerId: string) =>
    (await toViews([row], viewerId))[0] as CostumeView;

  const mustFind = async (viewerId: string, costumeId: string) => {
    const row = isUuid(costumeId) ? await findCostume(db, viewerId, costumeId) : undefined;
    if (!row) throw HollowtownErrors.costumeNotFound();
    return row;
  };

  return {
    async create(userId: string, input: CostumeInput): Promise<CostumeView> {
      const fields: CostumeFields = {
        costume_name: cleanName('body.costume_name', input.costume_name),
        description: input.description ?? null,
        difficulty: input.difficulty ?? DEFAULT_DIFFICULTY,
        materials: (input.materials ?? []).map(toIngredient),
        cost_estimate_cents: input.cost_estimate_cents ?? null,
        image_url: input.image_url ?? null,
        tags: normaliseTags(input.tags ?? []),
      };
      return toCostumeView(await insertCostume(db, userId, fields), userId);
    },

    async get(viewerId: string, costumeId: string): Promise<CostumeView> {
      return toCostumeView(await mustFind(viewerId, costumeId), viewerId);
    },

    async update(userId: string, costumeId: string, patch: CostumePatch): Promise<CostumeView> {
      const fields: Partial<CostumeFields> = {
        costume_name: cleanOptionalName('body.costume_name', patch.costume_name),
        description: patch.description,
        difficulty: patch.difficulty,
        materials: patch.materials?.map(toIngredient),
        cost_estimate_cents: patch.cost_estimate_cents,
        image_url: patch.image_url,
        tags: patch.tags && normaliseTags(patch.tags),
      };
      const row = isUuid(costumeId) ? await updateCostume(db, userId, costumeId, fields) : undefined;
      if (!row) throw HollowtownErrors.costumeNotFound();
      return toCostumeView(row, userId);
    },

    /**
     * Deletes the owner's costume, unless buyers in the marketplace hold it (409 ITEM_HAS_BUYERS: the
     * seller unlists it instead). Anyone else's id is 404, whether or not it was sold.
     */
    async remove(userId: string, costumeId: string): Promise<void> {
      if (!isUuid(costumeId)) throw HollowtownErrors.costumeNotFound();
      await db.transaction(async (tx) => {
        const buyers = await lockBuyersOfItem(tx, 'costume', costumeId);
        if (!(await findOwnItem(tx, userId, 'costume', costumeId))) throw HollowtownErrors.costumeNotFound();
        if (buyers > 0) throw MarketErrors.itemHasBuyers('costume', buyers);
        if (!(await deleteCostume(tx, userId, costumeId))) throw HollowtownErrors.costumeNotFound();
      });
    },

    /**
     * One upvote per user: a second upvote changes nothing. Answers the costume as it is now. The
     * same vote as POST /api/costumes/:id/vote (src/community), kept for older clients.
     */
    async upvote(userId: string, costumeId: string): Promise<CostumeView> {
      await community.vote('costume', costumeId, userId);
      return toCostumeView(await mustFind(userId, costumeId), userId);
    },

    /** Takes the user's upvote back; without one, nothing changes. */
    async removeUpvote(userId: string, costumeId: string): Promise<void> {
      await community.withdraw('costume', costumeId, userId);
    },

    async list(viewerId: string, query: CostumeQuery) {
      const limit = query.limit ?? 20;
      const filters = pageFilters(query);
      const byNew = query.sort === 'new';
      const rows = await listCostumes(db, {
        viewerId,
        scope: query.scope ?? 'all',
        tags: queryTags(query.tags),
        difficulties: [...new Set(query.difficulty ?? [])],
        maxCostCents: query.max_cost_cents,
        q: query.q,
        after: byNew ? BY_NEW.decode(query.cursor, filters) : BY_TOP.decode(query.cursor, filters),
        sort: query.sort ?? 'top',
        createdSince: periodStart(query.period, deps.now()),
        limit: limit + 1,
      });
      const page = byNew
        ? BY_NEW.page(
            rows,
            limit,
            (row) => row,
            (row) => ({ at: row.cursor_at, id: row.costume_id }),
            filters,
          )
        : BY_TOP.page(
            rows,
            limit,
            (row) => row,
            (row) => ({ rank: row.upvotes, at: row.cursor_at, id: row.costume_id }),
            filters,
          );
      return { ...page, items: await toViews(page.items, viewerId) };
    },
  };
}

export type CostumeService = ReturnType<typeof createCostumeService>;
