// Hollowtown's marketplace in hollowtown_db: listings of plans and costume ideas, and the
// purchases recorded under each buyer's idempotency key (the credits move in identity). The
// marketplace's SQL is src/platform/market/store/; this says how Hollowtown's items join it,
// and holds what only Hollowtown does (its items' rules, the buyers' copies).
import type { Queryable } from '../../platform/db/database.ts';
import type { ListingRowBase, MarketSql } from '../../platform/market/store/tables.ts';
import type { Ingredient } from '../client.ts';
import type { Prop } from './plans.ts';

export type MarketItemKind = 'plan' | 'costume';
export const MARKET_ITEM_KINDS: readonly MarketItemKind[] = ['plan', 'costume'];

export interface ListingRow extends ListingRowBase {
  item_kind: MarketItemKind;
  // The item, read with the listing (only the preview's part leaves for non-buyers).
  plan_room_name: string | null;
  plan_scare_level: number | null;
  plan_props: Prop[] | null;
  plan_steps: string[] | null;
  costume_name: string | null;
  costume_description: string | null;
  costume_difficulty: string | null;
  costume_materials: Ingredient[] | null;
  costume_cost_cents: number | null;
  costume_image_url: string | null;
  costume_tags: string[] | null;
}

const ITEM_JOINS = `LEFT JOIN haunted_house_plans h ON h.plan_id = l.plan_id
  LEFT JOIN costume_ideas c ON c.costume_id = l.costume_id`;

/**
 * The whole item of plan `h` or costume `c` (of kind `kind`) as a buyer's copy: the shape of the
 * API's full item (service/market.ts itemOf), and nothing of the seller's; NULL when the item is
 * not there. Migration 065 built the copies of earlier purchases with the same shape.
 */
const itemSnapshot = (kind: string) => `CASE
    WHEN ${kind} = 'plan' AND h.plan_id IS NOT NULL THEN jsonb_build_object(
      'item_kind', 'plan', 'plan_id', h.plan_id, 'room_name', h.room_name, 'scare_level', h.scare_level,
      'props_needed', h.props_needed, 'setup_instructions', to_jsonb(h.setup_instructions))
    WHEN ${kind} = 'costume' AND c.costume_id IS NOT NULL THEN jsonb_build_object(
      'item_kind', 'costume', 'costume_id', c.costume_id, 'costume_name', c.costume_name,
      'description', c.description, 'difficulty', c.difficulty, 'materials', c.materials,
      'cost_estimate_cents', c.cost_estimate_cents, 'image_url', c.image_url, 'tags', to_jsonb(c.tags))
  END`;

/** The buyer's copy of the item `id` of kind `kind` as it is now, taken from the item itself. */
const copyOfItem = (kind: string, id: string) => `(SELECT ${itemSnapshot('k.item_kind')}
    FROM (SELECT ${kind} AS item_kind, ${id} AS item_id) k
    LEFT JOIN haunted_house_plans h ON k.item_kind = 'plan' AND h.plan_id = k.item_id
    LEFT JOIN costume_ideas c ON k.item_kind = 'costume' AND c.costume_id = k.item_id)`;

/** Hollowtown's tables as the marketplace's SQL reads them. */
export const MARKET_SQL: MarketSql = {
  kinds: MARKET_ITEM_KINDS,
  listingKind: 'l.item_kind',
  listingItemId: 'coalesce(l.plan_id, l.costume_id)',
  itemJoins: ITEM_JOINS,
  itemColumns: `h.room_name AS plan_room_name, h.scare_level AS plan_scare_level, h.props_needed AS plan_props,
  h.setup_instructions AS plan_steps,
  c.costume_name, c.description AS costume_description, c.difficulty AS costume_difficulty,
  c.materials AS costume_materials, c.cost_estimate_cents AS costume_cost_cents,
  c.image_url AS costume_image_url, c.tags AS costume_tags`,
  listingItemInsert: (add, kind, itemId) => ({
    columns: ['item_kind', 'plan_id', 'costume_id'],
    values: [add(kind), add(kind === 'plan' ? itemId : null), add(kind === 'costume' ? itemId : null)],
  }),
  purchaseKind: 'p.item_kind',
  // The listing's item while it is listed; else the one the buyer's copy was taken of.
  purchaseItemId: `COALESCE(
    (SELECT coalesce(g.plan_id, g.costume_id) FROM market_listings g WHERE g.listing_id = p.listing_id),
    (p.item_snapshot->>'plan_id')::uuid, (p.item_snapshot->>'costume_id')::uuid)`,
  purchaseHoldsItem: '(p.listing_id IS NOT NULL OR p.item_snapshot IS NOT NULL)',
  purchaseCopy: 'p.item_snapshot',
  // The buyer keeps a copy of the item from the item itself: a purchase recorded again after its
  // listing went still holds the item while the item is there.
  purchaseItemInsert: (add, kind, itemId) => {
    const k = `${add(kind)}::text`;
    return { columns: ['item_kind', 'item_snapshot'], values: [k, copyOfItem(k, `${add(itemId)}::uuid`)] };
  },
  // Only the seller's erasure takes a listing with buyers away: such a sale names nobody.
  sellerOnceListingGone: 'NULL',
  refundAlsoSets: 'item_snapshot = NULL',
};

/**
 * The item's name and whether it is published for everyone (plans; a costume never is), when
 * `userId` owns it (undefined otherwise: not theirs or missing).
 */
export async function findOwnItem(
  db: Queryable,
  userId: string,
  kind: MarketItemKind,
  itemId: string,
): Promise<{ name: string; is_published: boolean } | undefined> {
  const sql =
    kind === 'plan'
      ? 'SELECT room_name AS name, is_published FROM haunted_house_plans WHERE plan_id = $1 AND user_id = $2'
      : 'SELECT costume_name AS name, false AS is_published FROM costume_ideas WHERE costume_id = $1 AND user_id = $2';
  const { rows } = await db.query<{ name: string; is_published: boolean }>(sql, [itemId, userId]);
  return rows[0];
}

/** Whether the plan is for sale now (listed). */
export async function isPlanListed(db: Queryable, planId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM market_listings WHERE plan_id = $1 AND is_listed', [planId]);
  return rows.length > 0;
}

/**
 * Locks the item's listing (a purchase being recorded holds a key-share lock on it, so this waits
 * for it, and a purchase that comes after waits for this transaction) and counts the buyers who
 * hold the item: completed or pending purchases, refunded ones aside. Call inside a transaction.
 */
export async function lockBuyersOfItem(tx: Queryable, kind: MarketItemKind, itemId: string): Promise<number> {
  const column = kind === 'plan' ? 'plan_id' : 'costume_id';
  const { rows: listings } = await tx.query<{ listing_id: string }>(
    `SELECT listing_id FROM market_listings WHERE ${column} = $1 FOR UPDATE`,
    [itemId],
  );
  if (listings.length === 0) return 0;
  const { rows } = await tx.query<{ buyers: number }>(
    `SELECT count(*)::int AS buyers FROM market_purchases WHERE listing_id = $1 AND status <> 'refunded'`,
    [listings[0]?.listing_id],
  );
  return rows[0]?.buyers ?? 0;
}

/**
 * A seller's account is erased (call inside the transaction that deletes their items, before it
 * does): each buyer's copy becomes the item as it is now, the last version they read, and the
 * paid sales no longer name the seller. Pending purchases keep the seller until their transfer
 * settles (completing one whose listing went drops the seller then).
 */
export async function releaseSalesOf(tx: Queryable, sellerId: string): Promise<number> {
  await tx.query(
    `UPDATE market_purchases p SET item_snapshot = (SELECT ${itemSnapshot('l.item_kind')} FROM market_listings l ${ITEM_JOINS} WHERE l.listing_id = p.listing_id)
     WHERE p.seller_id = $1 AND p.status <> 'refunded' AND p.listing_id IS NOT NULL`,
    [sellerId],
  );
  const { rowCount } = await tx.query(
    `UPDATE market_purchases SET seller_id = NULL WHERE seller_id = $1 AND status <> 'pending'`,
    [sellerId],
  );
  return rowCount;
}
