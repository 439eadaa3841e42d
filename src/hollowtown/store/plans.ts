// haunted_house_plans in hollowtown_db: one row per room.
import { tallySql, withheldSql } from '../../community/store.ts';
import type { Queryable } from '../../platform/db/database.ts';
import {
  type ColumnKind,
  containsPattern,
  cursorTime,
  type KeysetPosition,
  keysetSql,
  Params,
  type RankPosition,
  rankOf,
  searchWords,
  setClause,
} from '../../platform/db/sql.ts';

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
  /** Published plans are readable (and votable) by every signed-in user. */
  is_published: boolean;
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

const COLUMNS = `plan_id, user_id, room_name, scare_level, props_needed, setup_instructions, is_published, created_at,
  updated_at, ${cursorTime('created_at')} AS cursor_at`;

const EDITABLE: Readonly<Record<keyof PlanFields, ColumnKind>> = {
  room_name: 'plain',
  scare_level: 'plain',
  props_needed: 'jsonb',
  setup_instructions: 'text[]',
  is_published: 'plain',
};

export async function insertPlan(db: Queryable, userId: string, fields: PlanFields): Promise<PlanRow> {
  const { rows } = await db.query<PlanRow>(
    `INSERT INTO haunted_house_plans (user_id, room_name, scare_level, props_needed, setup_instructions, is_published)
     VALUES ($1, $2, $3, $4::jsonb, $5::text[], $6)
     RETURNING ${COLUMNS}`,
    [
      userId,
      fields.room_name,
      fields.scare_level,
      JSON.stringify(fields.props_needed),
      fields.setup_instructions,
      fields.is_published,
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

/** The plan if this user may read it: their own, or a published one moderation does not hold back. */
export async function findVisiblePlan(
  db: Queryable,
  userId: string,
  planId: string,
): Promise<PlanRow | undefined> {
  const { rows } = await db.query<PlanRow>(
    `SELECT ${COLUMNS} FROM haunted_house_plans
     WHERE plan_id = $1 AND (user_id = $2 OR (is_published AND NOT ${withheldSql('plan', 'plan_id')}))`,
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
  /** mine: the user's own; published: everyone's published ones; all: both. */
  scope: 'mine' | 'published' | 'all';
  sort?: 'new' | 'top';
  createdSince?: Date;
  scareMin?: number;
  scareMax?: number;
  q?: string;
  after?: KeysetPosition | RankPosition;
  limit: number;
}

const BY_NEW = keysetSql('desc', [
  ['created_at', 'timestamptz'],
  ['plan_id', 'uuid'],
]);

/** Newest first, keyset-paged on (created_at, plan_id); by top, on (votes, created_at, plan_id). */
export async function listPlans(db: Queryable, filter: PlanFilter): Promise<(PlanRow & { tally: number })[]> {
  const params = new Params();
  const published = `(is_published AND NOT ${withheldSql('plan', 'plan_id')})`;
  const where = [
    filter.scope === 'published'
      ? published
      : filter.scope === 'all'
        ? `(user_id = ${params.add(filter.userId)} OR ${published})`
        : `user_id = ${params.add(filter.userId)}`,
  ];
  if (filter.createdSince) where.push(`created_at >= ${params.add(filter.createdSince)}::timestamptz`);
  if (filter.scareMin !== undefined) where.push(`scare_level >= ${params.add(filter.scareMin)}`);
  if (filter.scareMax !== undefined) where.push(`scare_level <= ${params.add(filter.scareMax)}`);
  for (const word of searchWords(filter.q)) {
    const pattern = params.add(containsPattern(word));
    where.push(
      `(room_name ILIKE ${pattern}
        OR EXISTS (SELECT 1 FROM jsonb_array_elements(props_needed) AS p WHERE p->>'name' ILIKE ${pattern}))`,
    );
  }
  const tally = tallySql('plan', 'plan_id');
  const byTop = filter.sort === 'top';
  const keys = byTop
    ? keysetSql('desc', [
        [tally, 'integer', 'tally'],
        ['created_at', 'timestamptz'],
        ['plan_id', 'uuid'],
      ])
    : BY_NEW;
  if (filter.after) {
    const { after } = filter;
    where.push(keys.after(byTop ? [rankOf(after), after.at, after.id] : [after.at, after.id], params));
  }
  const { rows } = await db.query<PlanRow & { tally: number }>(
    `SELECT ${COLUMNS}, ${tally} AS tally FROM haunted_house_plans WHERE ${where.join(' AND ')}
     ORDER BY ${keys.orderBy} LIMIT ${params.add(filter.limit)}`,
    params.values,
  );
  return rows;
}

/** Who planned the room, its name and whether it is published (votes and reports). */
export async function findPlanForCommunity(
  db: Queryable,
  planId: string,
): Promise<{ user_id: string; room_name: string; is_published: boolean } | undefined> {
  const { rows } = await db.query<{ user_id: string; room_name: string; is_published: boolean }>(
    'SELECT user_id, room_name, is_published FROM haunted_house_plans WHERE plan_id = $1',
    [planId],
  );
  return rows[0];
}
