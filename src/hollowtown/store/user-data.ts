// Everything hollowtown_db holds of one user, for account deletion.
import { anonymiseClicksOf, NO_USER } from '../../affiliate/store.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { releaseSalesOf } from './market.ts';

export interface RemovedCounts {
  recipes: number;
  events: number;
  plans: number;
  costumes: number;
  upvotes: number;
  eventRecipes: number;
  /** Their paid sales, which now name no seller (the buyers keep their copies). */
  sales: number;
}

/**
 * Deletes the user's recipes (private and published), events, plans and costume ideas (their
 * listings with them; their buyers keep a copy and their sales no longer name them), takes
 * back their upvotes on other people's costumes, and takes the recipes they added to other
 * people's (family) events off them: such a recipe was read with their access, which is gone. Call inside a transaction; running it
 * again for the same user finds nothing and changes nothing.
 */
export async function deleteUserData(tx: Queryable, userId: string): Promise<RemovedCounts> {
  // Lock every costume this touches in one ordered pass (as a vote locks its costume before
  // its vote row), so a vote arriving meanwhile waits instead of deadlocking.
  await tx.query(
    `SELECT costume_id FROM costume_ideas
     WHERE user_id = $1 OR costume_id IN (
       SELECT item_id FROM votes WHERE item_kind = 'costume' AND voter_id = $1 AND is_active)
     ORDER BY costume_id FOR UPDATE`,
    [userId],
  );
  // Their votes go (on every kind of item) and each tally goes down by theirs. One vote per user
  // and item: each item appears once in `gone`.
  const upvotes = await tx.query(
    `WITH gone AS (DELETE FROM votes WHERE voter_id = $1 RETURNING item_kind, item_id, is_active),
     tallied AS (
       UPDATE vote_tallies t SET votes = GREATEST(t.votes - 1, 0) FROM gone g
       WHERE g.is_active AND t.item_kind = g.item_kind AND t.item_id = g.item_id
       RETURNING t.item_kind, t.item_id, t.votes)
     UPDATE costume_ideas c SET upvotes = tallied.votes FROM tallied
     WHERE tallied.item_kind = 'costume' AND c.costume_id = tallied.item_id
     RETURNING c.costume_id`,
    [userId],
  );
  await tx.query('DELETE FROM reports WHERE reporter_id = $1', [userId]);
  await anonymiseClicksOf(tx, userId);
  // Before their plans and costumes go: the buyers' copies become the items as they are now.
  const sales = await releaseSalesOf(tx, userId);
  // Other people's votes on these costumes go with them (ON DELETE CASCADE).
  const costumes = await tx.query('DELETE FROM costume_ideas WHERE user_id = $1', [userId]);
  const recipes = await tx.query('DELETE FROM spooky_recipes WHERE user_id = $1', [userId]);
  const events = await tx.query('DELETE FROM halloween_events WHERE user_id = $1', [userId]);
  const plans = await tx.query('DELETE FROM haunted_house_plans WHERE user_id = $1', [userId]);
  const eventRecipes = await tx.query('DELETE FROM event_recipes WHERE added_by = $1', [userId]);
  await tx.query('DELETE FROM data_imports WHERE user_id = $1', [userId]);
  // Their purchases go, copies and all (the sellers' sales lists lose them; identity's ledger
  // keeps the credits that moved); their listings went with their plans and costumes.
  await tx.query('DELETE FROM market_purchases WHERE buyer_id = $1', [userId]);
  return {
    recipes: recipes.rowCount,
    events: events.rowCount,
    plans: plans.rowCount,
    costumes: costumes.rowCount,
    upvotes: upvotes.rowCount,
    eventRecipes: eventRecipes.rowCount,
    sales,
  };
}

/**
 * The user ids hollowtown_db holds rows of (the rows deleteUserData removes), ascending, after
 * `after`: for integrity checks against identity.
 */
export async function referencedUserIds(
  db: Queryable,
  after: string | null,
  limit: number,
): Promise<string[]> {
  const columns = [
    ['spooky_recipes', 'user_id'],
    ['halloween_events', 'user_id'],
    ['costume_ideas', 'user_id'],
    ['votes', 'voter_id'],
    ['reports', 'reporter_id'],
    ['haunted_house_plans', 'user_id'],
    ['event_recipes', 'added_by'],
    ['market_purchases', 'buyer_id'],
    ['market_purchases', 'seller_id'],
    // A deleted account's clicks are kept under the nil UUID, which is nobody's id.
    ['affiliate_clicks', 'user_id'],
  ];
  const { rows } = await db.query<{ user_id: string }>(
    `SELECT user_id FROM (
       ${columns.map(([table, column]) => `SELECT ${column} AS user_id FROM ${table} WHERE ${column} IS NOT NULL AND ($1::uuid IS NULL OR ${column} > $1::uuid)`).join(' UNION ')}
     ) AS referenced WHERE user_id <> $3::uuid ORDER BY user_id LIMIT $2`,
    [after, limit, NO_USER],
  );
  return rows.map((r) => r.user_id);
}
