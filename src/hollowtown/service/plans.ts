// Haunted-house room plans: private to their owner, one room per plan.
import { toPage } from '../../platform/http/pagination.ts';
import type { HollowtownDeps } from '../deps.ts';
import { HollowtownErrors } from '../errors.ts';
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
import { checkRange, cleanName, cleanOptionalName, decodeTimeCursor, isUuid } from './common.ts';

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
}

export type PlanPatch = Partial<PlanInput>;

export interface PlanQuery {
  scope?: 'mine' | 'published' | 'all';
  scare_min?: number;
  scare_max?: number;
  q?: string;
  limit?: number;
  cursor?: string;
}

export type PlanView = Omit<PlanRow, 'user_id' | 'cursor_at'> & { is_mine: boolean };

const toProp = (input: PropInput): Prop => ({
  name: input.name.trim(),
  quantity: input.quantity ?? null,
  note: input.note ?? null,
});

const toPlanView = (row: PlanRow, viewerId: string): PlanView => {
  const { user_id, cursor_at: _cursor, ...plan } = row;
  return { ...plan, is_mine: user_id === viewerId };
};

export function createPlanService(deps: HollowtownDeps) {
  const { db } = deps;
  return {
    async create(userId: string, input: PlanInput): Promise<PlanView> {
      const fields: PlanFields = {
        room_name: cleanName('body.room_name', input.room_name),
        scare_level: input.scare_level,
        props_needed: (input.props_needed ?? []).map(toProp),
        setup_instructions: (input.setup_instructions ?? []).map((step) => step.trim()),
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
      };
      const row = isUuid(planId) ? await updatePlan(db, userId, planId, fields) : undefined;
      if (!row) throw HollowtownErrors.planNotFound();
      return toPlanView(row, userId);
    },

    async remove(userId: string, planId: string): Promise<void> {
      if (!isUuid(planId) || !(await deletePlan(db, userId, planId))) throw HollowtownErrors.planNotFound();
    },

    async list(userId: string, query: PlanQuery) {
      checkRange('querystring.scare_min', query.scare_min, 'scare_max', query.scare_max);
      const limit = query.limit ?? 20;
      const rows = await listPlans(db, {
        userId,
        scope: query.scope ?? 'mine',
        scareMin: query.scare_min,
        scareMax: query.scare_max,
        q: query.q,
        after: decodeTimeCursor(query.cursor),
        limit: limit + 1,
      });
      return toPage(
        rows,
        limit,
        (row) => toPlanView(row, userId),
        (row) => ({ t: row.cursor_at, id: row.plan_id }),
      );
    },
  };
}

export type PlanService = ReturnType<typeof createPlanService>;
