// haunted_house_plans in hollowtown_db: one row per room.
import type { Queryable } from '../../platform/db/database.ts';
import type { TimeCursor } from '../service/common.ts';
import { type ColumnKind, containsPattern, cursorTime, Params, searchWords, setClause } from './sql.ts';

export interface Prop {
  name: string;
  quantity: number | null;
  note: string | null;
}

export interface PlanFields {
  room_name: string;
  scare_level: number;
  props_needed: Prop[];
  setup_instructions: string[];
}

export interface PlanRow extends PlanFields {
  plan_id: string;
  user_id: string;
  /** Published rooms are readable by every signed-in user (the starter pack's are). */
  is_published: boolean;
  created_at: Date;
  updated_at: Date;
  cursor_at: string;
}

const COLUMNS = `plan_id, user_id, is_published, room_name, scare_level, props_needed, setup_instructions, created_at,
  updated_at, ${cursorTime('created_at')} AS cursor_at`;

const EDITABLE: Readonly<Record<keyof PlanFields, ColumnKind>> = {
  room_name: 'plain',
  scare_level: 'plain',
  props_needed: 'jsonb',
  setup_instructions: 'text[]',
};

export async function insertPlan(db: Queryable, userId: string, fields: PlanFields): Promise<PlanRow> {
  const { rows } = await db.query<PlanRow>(
    `INSERT INTO haunted_house_plans (user_id, room_name, scare_level, props_needed, setup_instructions)
     VALUES ($1, $2, $3, $4::jsonb, $5::text[])
     RETURNING ${COLUMNS}`,
    [
      userId,
      fields.room_name,
      fields.scare_level,
      JSON.stringify(fields.props_needed),
      fields.setup_instructions,
    ],
  );
  return rows[0] as PlanRow;
}

export async function findPlan(db: Queryable, userId: string, planId: string): Promise<PlanRow | undefined> {
  const { rows } = await db.query<PlanRow>(
    `SELECT ${COLUMNS} FROM haunted_house_plans WHERE plan_id = $1 AND user_id = $2`,
    [planId, userId],
  );
  return rows[0];
}

/** The room if this user may read it: their own, or a published one. */
export async function findVisiblePlan(
  db: Queryable,
  userId: string,
  planId: string,
): Promise<PlanRow | undefined> {
  const { rows } = await db.query<PlanRow>(
    `SELECT ${COLUMNS} FROM haunted_house_plans WHERE plan_id = $1 AND (user_id = $2 OR is_published)`,
    [planId, userId],
  );
  return rows[0];
}

export async function updatePlan(
  db: Queryable,
  userId: string,
  planId: string,
  patch: Partial<PlanFields>,
): Promise<PlanRow | undefined> {
  const params = new Params();
  const set = setClause(patch, EDITABLE, params);
  if (!set) return findPlan(db, userId, planId);
  const { rows } = await db.query<PlanRow>(
    `UPDATE haunted_house_plans SET ${set}
     WHERE plan_id = ${params.add(planId)} AND user_id = ${params.add(userId)}
     RETURNING ${COLUMNS}`,
    params.values,
  );
  return rows[0];
}

export async function deletePlan(db: Queryable, userId: string, planId: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM haunted_house_plans WHERE plan_id = $1 AND user_id = $2', [
    planId,
    userId,
  ]);
  return rowCount > 0;
}

export interface PlanFilter {
  userId: string;
  /** mine: the user's own; published: everyone's published; all: both. */
  scope: 'mine' | 'published' | 'all';
  scareMin?: number;
  scareMax?: number;
  q?: string;
  after?: TimeCursor;
  limit: number;
}

/** Newest first, keyset-paged on (created_at, plan_id). */
export async function listPlans(db: Queryable, filter: PlanFilter): Promise<PlanRow[]> {
  const params = new Params();
  const where: string[] = [];
  if (filter.scope === 'mine') where.push(`user_id = ${params.add(filter.userId)}`);
  else if (filter.scope === 'published') where.push('is_published');
  else where.push(`(user_id = ${params.add(filter.userId)} OR is_published)`);
  if (filter.scareMin !== undefined) where.push(`scare_level >= ${params.add(filter.scareMin)}`);
  if (filter.scareMax !== undefined) where.push(`scare_level <= ${params.add(filter.scareMax)}`);
  for (const word of searchWords(filter.q)) {
    const pattern = params.add(containsPattern(word));
    where.push(
      `(room_name ILIKE ${pattern}
        OR EXISTS (SELECT 1 FROM jsonb_array_elements(props_needed) AS p WHERE p->>'name' ILIKE ${pattern}))`,
    );
  }
  if (filter.after) {
    where.push(
      `(created_at, plan_id) < (${params.add(filter.after.t)}::timestamptz, ${params.add(filter.after.id)}::uuid)`,
    );
  }
  const { rows } = await db.query<PlanRow>(
    `SELECT ${COLUMNS} FROM haunted_house_plans WHERE ${where.join(' AND ')}
     ORDER BY created_at DESC, plan_id DESC LIMIT ${params.add(filter.limit)}`,
    params.values,
  );
  return rows;
}
