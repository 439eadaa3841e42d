// Meal plans in recipes_db: recipes laid out per date and slot over a run of days.
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import {
  type Columns,
  CURSOR_AT,
  insertClause,
  type KeysetPosition,
  keysetSql,
  Params,
  setClause,
} from '../../platform/db/sql.ts';
import type { Tables } from './tables.ts';

export type MealSlot = 'breakfast' | 'lunch' | 'dinner' | 'snack';
/** {date: {slot: recipe_id}}, the design document's shape. */
export type Meals = Record<string, Partial<Record<MealSlot, string>>>;

/** One line of a plan's shopping_list (jsonb). */
export interface ShoppingLineRow {
  name: string;
  quantity: number | null;
  unit: string | null;
}

export type MealPlanRow = Refine<
  Pick<
    Tables['meal_plans'],
    | 'plan_id'
    | 'user_id'
    | 'plan_name'
    | 'start_date'
    | 'duration_days'
    | 'meals'
    | 'shopping_list'
    | 'total_cost_cents'
    | 'created_at'
    | 'updated_at'
  >,
  {
    /** YYYY-MM-DD */
    start_date: string;
    meals: Meals;
    shopping_list: ShoppingLineRow[];
  }
>;

export interface MealPlanFields {
  plan_name: string;
  start_date: string;
  duration_days: number;
  meals: Meals;
  total_cost_cents: number | null;
}

const COLUMNS = `plan_id, user_id, plan_name, start_date, duration_days, meals, shopping_list, total_cost_cents,
  created_at, updated_at`;
const WRITABLE: Columns = {
  plan_name: 'plain',
  start_date: 'plain',
  duration_days: 'plain',
  meals: 'jsonb',
  total_cost_cents: 'plain',
  shopping_list: 'jsonb',
};

export async function insertMealPlan(
  db: Queryable,
  userId: string,
  fields: MealPlanFields,
): Promise<MealPlanRow> {
  const params = new Params([userId]);
  const insert = insertClause({ ...fields }, WRITABLE, params);
  const { rows } = await db.query<MealPlanRow>(
    `INSERT INTO meal_plans (user_id, ${insert.columns.join(', ')})
     VALUES ($1, ${insert.placeholders.join(', ')})
     RETURNING ${COLUMNS}`,
    params.values,
  );
  return rows[0] as MealPlanRow;
}

export async function findMealPlan(
  db: Queryable,
  userId: string,
  planId: string,
  options: { lock?: boolean } = {},
): Promise<MealPlanRow | undefined> {
  const { rows } = await db.query<MealPlanRow>(
    `SELECT ${COLUMNS} FROM meal_plans WHERE plan_id = $1 AND user_id = $2${options.lock ? ' FOR UPDATE' : ''}`,
    [planId, userId],
  );
  return rows[0];
}

export async function updateMealPlan(
  db: Queryable,
  userId: string,
  planId: string,
  changes: Partial<MealPlanFields> & { shopping_list?: ShoppingLineRow[] },
): Promise<MealPlanRow | undefined> {
  const params = new Params([planId, userId]);
  const set = setClause({ ...changes }, WRITABLE, params);
  if (!set) return findMealPlan(db, userId, planId);
  const { rows } = await db.query<MealPlanRow>(
    `UPDATE meal_plans SET ${set}
     WHERE plan_id = $1 AND user_id = $2
     RETURNING ${COLUMNS}`,
    params.values,
  );
  return rows[0];
}

export async function deleteMealPlan(db: Queryable, userId: string, planId: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM meal_plans WHERE plan_id = $1 AND user_id = $2', [
    planId,
    userId,
  ]);
  return rowCount > 0;
}

export interface MealPlanFilters {
  /** Plans that overlap [from, to] (YYYY-MM-DD, either may be open). */
  from?: string;
  to?: string;
}

const BY_NEWEST = keysetSql('desc', [
  ['created_at', 'timestamptz'],
  ['plan_id', 'uuid'],
]);

export async function listMealPlans(
  db: Queryable,
  userId: string,
  filters: MealPlanFilters,
  limit: number,
  cursor?: KeysetPosition,
): Promise<(MealPlanRow & { cursor_at: string })[]> {
  const params = new Params([userId]);
  const param = (value: unknown) => params.add(value);
  const where = ['user_id = $1'];
  if (filters.from !== undefined)
    where.push(`start_date + duration_days - 1 >= ${param(filters.from)}::date`);
  if (filters.to !== undefined) where.push(`start_date <= ${param(filters.to)}::date`);
  if (cursor) where.push(BY_NEWEST.after([cursor.at, cursor.id], params));
  const { rows } = await db.query<MealPlanRow & { cursor_at: string }>(
    `SELECT ${COLUMNS}, ${CURSOR_AT} FROM meal_plans WHERE ${where.join(' AND ')}
     ORDER BY ${BY_NEWEST.orderBy} LIMIT ${param(limit)}`,
    params.values,
  );
  return rows;
}

/** A plan made from a template: the one (user, template, start date) plan (see migration 050). */
export async function insertTemplatePlan(
  db: Queryable,
  userId: string,
  templateKey: string,
  fields: MealPlanFields,
): Promise<MealPlanRow | undefined> {
  const { rows } = await db.query<MealPlanRow>(
    `INSERT INTO meal_plans (user_id, template_key, plan_name, start_date, duration_days, meals, total_cost_cents)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
     ON CONFLICT (user_id, template_key, start_date) WHERE template_key IS NOT NULL DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      userId,
      templateKey,
      fields.plan_name,
      fields.start_date,
      fields.duration_days,
      JSON.stringify(fields.meals),
      fields.total_cost_cents,
    ],
  );
  return rows[0];
}

export async function findTemplatePlan(
  db: Queryable,
  userId: string,
  templateKey: string,
  startDate: string,
): Promise<MealPlanRow | undefined> {
  const { rows } = await db.query<MealPlanRow>(
    `SELECT ${COLUMNS} FROM meal_plans WHERE user_id = $1 AND template_key = $2 AND start_date = $3`,
    [userId, templateKey, startDate],
  );
  return rows[0];
}

export async function countTemplatePlans(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM meal_plans WHERE user_id = $1 AND template_key IS NOT NULL',
    [userId],
  );
  return rows[0]?.n ?? 0;
}
