// The recipe books marketplace in recipes_db: listings of cookbooks and the purchases recorded
// under each buyer's idempotency key (the credits move in identity). The marketplace's SQL is
// src/platform/market/store/; this says how cookbooks join it, and holds what only recipe books
// need (what may be sold, who bought a book).
import { withheldSql } from '../../community/store.ts';
import type { Queryable } from '../../platform/db/database.ts';
import type { ListingRowBase, MarketSql } from '../../platform/market/store/tables.ts';

/**
 * SQL true when a buyer reads `recipes` in the book `c`: the owner's own and published ones that
 * moderation does not hold back (what the cookbooks service shows anyone let into the book).
 */
const buyerSeesSql = `(NOT ${withheldSql('recipe', 'recipes.recipe_id')}
  AND (recipes.is_published OR recipes.user_id = c.user_id))`;

/** One recipe of a book as its preview shows it: what it is, not how it is made. */
export interface PreviewRecipe {
  recipe_name: string;
  cuisine: string | null;
  difficulty: string | null;
  total_time_minutes: number | null;
  serves: number | null;
}

export interface ListingRow extends ListingRowBase {
  item_kind: 'cookbook';
  cookbook_title: string;
  cookbook_description: string | null;
  /** The recipes a buyer reads in it, in the book's order. */
  recipes: PreviewRecipe[];
}

/** HowToCookAtHome's tables as the marketplace's SQL reads them: one kind, the cookbook. */
export const MARKET_SQL: MarketSql = {
  kinds: ['cookbook'],
  listingKind: "'cookbook'::text",
  listingItemId: 'l.cookbook_id',
  itemJoins: 'JOIN cookbooks c ON c.cookbook_id = l.cookbook_id',
  itemColumns: `c.title AS cookbook_title, c.description AS cookbook_description,
  COALESCE((SELECT json_agg(json_build_object('recipe_name', recipes.recipe_name, 'cuisine', recipes.cuisine,
      'difficulty', recipes.difficulty, 'serves', recipes.serves,
      'total_time_minutes', CASE WHEN recipes.prep_time_minutes IS NULL AND recipes.cook_time_minutes IS NULL
        THEN NULL ELSE COALESCE(recipes.prep_time_minutes, 0) + COALESCE(recipes.cook_time_minutes, 0) END)
      ORDER BY e.position, e.recipe_id)
    FROM cookbook_recipes e JOIN recipes ON recipes.recipe_id = e.recipe_id
    WHERE e.cookbook_id = c.cookbook_id AND ${buyerSeesSql}), '[]'::json) AS recipes`,
  // The title, the summary and the names of its recipes: all in the public preview.
  searchAlso: (pattern) => `EXISTS (
      SELECT 1 FROM cookbook_recipes e JOIN recipes ON recipes.recipe_id = e.recipe_id
      WHERE e.cookbook_id = c.cookbook_id AND recipes.recipe_name ILIKE ${pattern}
        AND ${buyerSeesSql})`,
  listingItemInsert: (add, _kind, itemId) => ({ columns: ['cookbook_id'], values: [`${add(itemId)}::uuid`] }),
  purchaseKind: "'cookbook'::text",
  purchaseItemId: '(SELECT g.cookbook_id FROM market_listings g WHERE g.listing_id = p.listing_id)',
  // A buyer reads the book through its listing (hasBoughtCookbook): no listing, no book.
  purchaseHoldsItem: '(p.listing_id IS NOT NULL)',
  purchaseCopy: 'NULL::jsonb',
  purchaseItemInsert: () => ({ columns: [], values: [] }),
  // An erased seller's sold books pass to DELETED_USER_ID with their listings (keepSoldCookbooksOf).
  sellerOnceListingGone: 'seller_id',
};

/**
 * The recipes of the cookbook a seller may not sell: another person's, or a shared copy that
 * follows an original elsewhere (someone else's work). Empty when the book is all theirs.
 */
export async function othersRecipesIn(
  db: Queryable,
  cookbookId: string,
  sellerId: string,
): Promise<string[]> {
  const { rows } = await db.query<{ recipe_id: string }>(
    `SELECT r.recipe_id FROM cookbook_recipes e JOIN recipes r ON r.recipe_id = e.recipe_id
     WHERE e.cookbook_id = $1 AND (r.user_id <> $2 OR r.source = 'shared')
     ORDER BY e.position, r.recipe_id LIMIT 50`,
    [cookbookId, sellerId],
  );
  return rows.map((r) => r.recipe_id);
}

/** Whether the recipe is the seller's own to sell (theirs, and not a shared copy). */
export async function isOwnRecipeToSell(db: Queryable, recipeId: string, sellerId: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM recipes WHERE recipe_id = $1 AND user_id = $2 AND source <> 'shared'`,
    [recipeId, sellerId],
  );
  return rows.length > 0;
}

/** Whether the cookbook is for sale now (listed). */
export async function isCookbookListed(db: Queryable, cookbookId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM market_listings WHERE cookbook_id = $1 AND is_listed', [
    cookbookId,
  ]);
  return rows.length > 0;
}

/** Whether the cookbook has a listing, on sale or not (its buyers still read it). */
export async function hasListing(db: Queryable, cookbookId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM market_listings WHERE cookbook_id = $1', [cookbookId]);
  return rows.length > 0;
}

/**
 * Whether the viewer holds a paid purchase of the cookbook's listing (the cookbooks service's
 * access hook: a buyer reads the whole book).
 */
export async function hasBoughtCookbook(
  db: Queryable,
  viewerId: string,
  cookbookId: string,
): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM market_purchases p JOIN market_listings l ON l.listing_id = p.listing_id
     WHERE l.cookbook_id = $1 AND p.buyer_id = $2 AND p.status = 'completed'`,
    [cookbookId, viewerId],
  );
  return rows.length > 0;
}

/**
 * Locks the listings of the cookbooks given (a purchase being recorded holds a key-share lock on
 * its listing, so this waits for it, and a purchase that comes after waits for this
 * transaction) and counts the buyers who hold them: completed or pending purchases, refunded
 * ones aside. Call inside a transaction.
 */
async function lockBuyersOfListings(tx: Queryable, where: string, value: string): Promise<number> {
  const { rows: listings } = await tx.query<{ listing_id: string }>(
    `SELECT listing_id FROM market_listings WHERE ${where} ORDER BY listing_id FOR UPDATE`,
    [value],
  );
  if (listings.length === 0) return 0;
  const { rows } = await tx.query<{ buyers: number }>(
    `SELECT count(DISTINCT buyer_id)::int AS buyers FROM market_purchases
     WHERE listing_id = ANY($1::uuid[]) AND status <> 'refunded'`,
    [listings.map((l) => l.listing_id)],
  );
  return rows[0]?.buyers ?? 0;
}

/** The buyers of the cookbook, its listing locked (see lockBuyersOfListings). */
export const lockBuyersOfCookbook = (tx: Queryable, cookbookId: string) =>
  lockBuyersOfListings(tx, 'cookbook_id = $1', cookbookId);

/** The buyers of every sold book the recipe is in, their listings locked. */
export const lockBuyersOfRecipe = (tx: Queryable, recipeId: string) =>
  lockBuyersOfListings(
    tx,
    'cookbook_id IN (SELECT cookbook_id FROM cookbook_recipes WHERE recipe_id = $1)',
    recipeId,
  );
