// affiliate_clicks: the same table in each app's own database (hollowtown_db, recipes_db,
// family_db), written only by that app; read by the operator's `calos affiliate report`.
import type { Queryable } from '../platform/db/database.ts';

export interface ClickRow {
  app: string;
  retailer: string;
  item_kind: string;
  user_id: string;
  clicked_at: Date;
}

export async function insertClick(db: Queryable, click: ClickRow): Promise<void> {
  await db.query(
    `INSERT INTO affiliate_clicks (app, retailer, item_kind, user_id, clicked_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [click.app, click.retailer, click.item_kind, click.user_id, click.clicked_at],
  );
}

export interface ClickCount {
  app: string;
  retailer: string;
  item_kind: string;
  clicks: number;
  users: number;
}

/** Clicks since `since` (inclusive), by app, retailer and kind of item. */
export async function countClicks(db: Queryable, since: Date): Promise<ClickCount[]> {
  const { rows } = await db.query<ClickCount>(
    `SELECT app, retailer, item_kind, count(*)::int AS clicks, count(DISTINCT user_id)::int AS users
       FROM affiliate_clicks
      WHERE clicked_at >= $1
      GROUP BY app, retailer, item_kind
      ORDER BY app, retailer, item_kind`,
    [since],
  );
  return rows;
}

/** Nobody: a deleted account's clicks stay counted without naming it. */
export const NO_USER = '00000000-0000-0000-0000-000000000000';

/** user.deleted: the account's clicks keep their count but no longer name it. */
export async function anonymiseClicksOf(db: Queryable, userId: string): Promise<number> {
  const { rowCount } = await db.query('UPDATE affiliate_clicks SET user_id = $2 WHERE user_id = $1', [
    userId,
    NO_USER,
  ]);
  return rowCount ?? 0;
}
