// The recipe books marketplace: an owner lists one of their cookbooks (their own recipes only) for
// a price in credits; anyone signed in browses the listings and their public preview (the book's
// words and its recipes' names, never how they are made); a buyer pays through identity's credit
// transfer and then reads the whole book through the cookbooks API, its private recipes too (the
// cookbooks service's access hook, `buyerGrant`). The mechanics are the platform's
// (src/platform/market); this is HowToCookAtHome's adapter: what a book for sale must be and how
// it shows.
import { enqueueStaffAction } from '../../community/staff-actions.ts';
import {
  createMarketplace,
  type ListingView as MarketListingView,
  type PurchaseView as MarketPurchaseView,
} from '../../platform/market/service.ts';
import type { RecipesDeps } from '../deps.ts';
import { MarketErrors, RecipesErrors } from '../errors.ts';
import { countEntries, lockOwnCookbook } from '../store/cookbooks.ts';
import {
  hasBoughtCookbook,
  type ListingRow,
  MARKET_SQL,
  othersRecipesIn,
  type PreviewRecipe,
} from '../store/market.ts';
import { enqueueEvent } from '../store/outbox.ts';
import { DELETED_USER_ID } from '../store/users.ts';
import type { CookbookGrant } from './cookbooks.ts';

export { PENDING_GRACE_MS } from '../../platform/market/service.ts';

/** What anyone signed in sees of a listed book before buying it. */
export interface ListingPreview {
  item_kind: 'cookbook';
  cookbook_title: string;
  description: string | null;
  recipe_count: number;
  recipes: PreviewRecipe[];
}

/** The book itself, for the seller and buyers: read it through /api/cookbooks/:id. */
export interface ListingItem {
  item_kind: 'cookbook';
  cookbook_id: string;
}

export type ListingView = MarketListingView<'cookbook', ListingPreview, ListingItem>;
/** With the book bought, while its listing exists and the purchase stands. */
export type PurchaseView = MarketPurchaseView<'cookbook'> & { cookbook_id: string | null };

/** The cookbooks service's access hook: a buyer of a book (paid, not refunded) reads all of it. */
export const buyerGrant =
  (deps: Pick<RecipesDeps, 'db'>): CookbookGrant =>
  (viewerId, cookbookId) =>
    hasBoughtCookbook(deps.db, viewerId, cookbookId);

export function createMarketService(deps: RecipesDeps) {
  return createMarketplace<'cookbook', ListingRow, ListingPreview, ListingItem>({
    app: 'recipes',
    appName: 'HowToCookAtHome',
    kinds: ['cookbook'],
    itemWord: () => 'cookbook',
    db: deps.db,
    logger: deps.logger,
    now: () => deps.now(),
    identity: () => deps.identity?.(),
    enqueueStaffAction: (tx, action, at) => enqueueStaffAction(enqueueEvent, tx, action, at),
    sql: MARKET_SQL,
    // An erased seller's sales carry this id (store/users.ts keepSoldCookbooksOf).
    erasedSellerId: DELETED_USER_ID,
    transferReason: (title) => `HowToCookAtHome recipe book: ${title}`,
    itemNotFound: () => RecipesErrors.cookbookNotFound(),
    /** What a book must be to be on sale: not public, not empty, all the seller's own recipes. */
    async checkSellable(tx, sellerId, _kind, cookbookId) {
      // Locked: a change of its visibility or recipes waits for this listing, and sees it.
      const cookbook = await lockOwnCookbook(tx, sellerId, cookbookId);
      if (!cookbook) throw RecipesErrors.cookbookNotFound();
      if (cookbook.visibility === 'public') throw MarketErrors.cookbookPublic();
      if ((await countEntries(tx, cookbookId)) === 0) throw MarketErrors.cookbookEmpty();
      const others = await othersRecipesIn(tx, cookbookId, sellerId);
      if (others.length > 0) throw MarketErrors.othersRecipes(others);
      return { name: cookbook.title };
    },
    previewOf: (row) => ({
      item_kind: 'cookbook',
      cookbook_title: row.cookbook_title,
      description: row.cookbook_description,
      recipe_count: row.recipes.length,
      recipes: row.recipes,
    }),
    itemOf: (row) => ({ item_kind: 'cookbook', cookbook_id: row.item_id }),
    pendingGraceMs: deps.marketPendingGraceMs,
    // A pending purchase is shown to staff only (the console's stuck purchases): the book it is for.
    purchaseExtras: (row) => ({ cookbook_id: row.status === 'refunded' ? null : row.item_id }),
  });
}

export type MarketService = ReturnType<typeof createMarketService>;
