// Haunted-house room plans, one room per plan: private to their owner until published; a
// published plan is readable (and votable) by every signed-in user, changed only by its owner.
import { type ItemSummary, type Period, periodStart } from '../../community/service.ts';
import { keyset, pageFilters, RANK_KEY, TIME_KEY } from '../../platform/http/pagination.ts';
import type { HollowtownDeps } from '../deps.ts';
import { HollowtownErrors, MarketErrors } from '../errors.ts';
import { findOwnItem, isPlanListed, lockBuyersOfItem } from '../store/market.ts';
import {
  deletePlan,
  findVisiblePlan,
  insertPlan,
  listPlans,
  type PlanFields,
  type PlanRow,
  type Prop,
  updatePlan,
} from '../store/plans.ts';
import { checkRange, cleanName, cleanOptionalName, isUuid } from './common.ts';
import type { HollowtownCommunity } from './community.ts';

export interface PropInput {
  name: string;
  quantity?: number | null;
  note?: string | null;
}

export interface PlanInput {
  room_name: string;
  scare_level: number;
  props_needed?: PropInput[];
  setup_instructions?: string[];
  is_published?: boolean;
}

export type PlanPatch = Partial<PlanInput>;

export interface PlanQuery {
  scope?: 'mine' | 'published' | 'all';
  sort?: 'new' | 'top';
  period?: Period;
  scare_min?: number;
  scare_max?: number;
  q?: string;
  limit?: number;
  cursor?: string;
}

export type PlanView = Omit<PlanRow, 'user_id' | 'cursor_at'> & { is_mine: boolean } & ItemSummary;

const toProp = (input: PropInput): Prop => ({
  name: input.name.trim(),
  quantity: input.quantity ?? null,
  note: input.note ?? null,
});

/** Newest first, or most upvoted first. */
const BY_NEW = keyset('hollowtown.plans:new', TIME_KEY);
const BY_TOP = keyset('hollowtown.plans:top', RANK_KEY);

export function createPlanService(deps: HollowtownDeps, community: HollowtownCommunity) {
  const { db } = deps;
  const toViews = async (rows: PlanRow[], viewerId: string): Promise<PlanView[]> => {
    const summaries = await community.summaries(
      'plan',
      rows.map((r) => r.plan_id),
      viewerId,
    );
    return rows.map((row) => {
      const { user_id, cursor_at: _cursor, ...plan } = row;
      const { tally: _tally, ...rest } = plan as typeof plan & { tally?: number };
      return {
        ...rest,
        is_mine: user_id === viewerId,
        ...(summaries.get(row.plan_id) ?? { votes: 0, has_voted: false, moderation: null }),
      };
    });
  };
  const toPlanView = async (row: PlanRow, viewerId: string) =>
    (await toViews([row], viewerId))[0] as PlanView;
  return {
    async create(userId: string, input: PlanInput): Promise<PlanView> {
      const fields: PlanFields = {
        room_name: cleanName('body.room_name', input.room_name),
        scare_level: input.scare_level,
        props_needed: (input.props_needed ?? []).map(toProp),
        setup_instructions: (input.setup_instructions ?? []).map((step) => step.trim()),
        is_published: input.is_published ?? false,
      };
      return toPlanView(await insertPlan(db, userId, fields), userId);
    },

    async get(userId: string, planId: string): Promise<PlanView> {
      const row = isUuid(planId) ? await findVisiblePlan(db, userId, planId) : undefined;
      if (!row) throw HollowtownErrors.planNotFound();
      return toPlanView(row, userId);
    },

    async update(userId: string, planId: string, patch: PlanPatch): Promise<PlanView> {
      const fields: Partial<PlanFields> = {
        room_name: cleanOptionalName('body.room_name', patch.room_name),
        scare_level: patch.scare_level,
        props_needed: patch.props_needed?.map(toProp),
        setup_instructions: patch.setup_instructions?.map((step) => step.trim()),
        is_published: patch.is_published,
      };
      if (!isUuid(planId)) throw HollowtownErrors.planNotFound();
      const row = await db.transaction(async (tx) => {
        const updated = await updatePlan(tx, userId, planId, fields);
        // Free or for sale, not both (the listing holds what buyers pay for).
        if (updated && patch.is_published === true && (await isPlanListed(tx, planId)))
          throw MarketErrors.planListed();
        return updated;
      });
      if (!row) throw HollowtownErrors.planNotFound();
      return toPlanView(row, userId);
    },

    /**
     * Deletes the owner's plan, unless buyers in the marketplace hold it (409 ITEM_HAS_BUYERS: the
     * seller unlists it instead). Anyone else's id is 404, whether or not it was sold.
     */
    async remove(userId: string, planId: string): Promise<void> {
      if (!isUuid(planId)) throw HollowtownErrors.planNotFound();
      await db.transaction(async (tx) => {
        const buyers = await lockBuyersOfItem(tx, 'plan', planId);
        if (!(await findOwnItem(tx, userId, 'plan', planId))) throw HollowtownErrors.planNotFound();
        if (buyers > 0) throw MarketErrors.itemHasBuyers('plan', buyers);
        if (!(await deletePlan(tx, userId, planId))) throw HollowtownErrors.planNotFound();
      });
    },

    async list(userId: string, query: PlanQuery) {
      checkRange('querystring.scare_min', query.scare_min, 'scare_max', query.scare_max);
      const limit = query.limit ?? 20;
      const filters = pageFilters(query);
      const rows = await listPlans(db, {
        userId,
        scope: query.scope ?? 'mine',
        sort: query.sort ?? 'new',
        createdSince: periodStart(query.period, deps.now()),
        scareMin: query.scare_min,
        scareMax: query.scare_max,
        q: query.q,
        after:
          query.sort === 'top' ? BY_TOP.decode(query.cursor, filters) : BY_NEW.decode(query.cursor, filters),
        limit: limit + 1,
      });
      const page =
        query.sort === 'top'
          ? BY_TOP.page(
              rows,
              limit,
              (row) => row,
              (row) => ({ rank: row.tally, at: row.cursor_at, id: row.plan_id }),
              filters,
            )
          : BY_NEW.page(
              rows,
              limit,
              (row) => row,
              (row) => ({ at: row.cursor_at, id: row.plan_id }),
              filters,
            );
      return { ...page, items: await toViews(page.items, userId) };
    },
  };
}

export type PlanService = ReturnType<typeof createPlanService>;
