// hollowtown_db's part of "Download my data" (GDPR Art. 15/20): the user's rows per collection,
// and the tables an archive's rows are taken back into (see src/platform/data-portability.ts).

import type { ExportedCollection, ImportedTable } from '../../platform/data-portability.ts';
import type { Queryable } from '../../platform/db/database.ts';

export const HOLLOWTOWN_EXPORT: Readonly<Record<string, ExportedCollection>> = {
  spooky_recipes: {
    key: 'recipe_id',
    keyType: 'uuid',
    select: 'SELECT * FROM spooky_recipes WHERE user_id = $1',
  },
  halloween_events: {
    key: 'event_id',
    keyType: 'uuid',
    select: 'SELECT * FROM halloween_events WHERE user_id = $1',
  },
  // The recipes of the user's events (theirs or HowToCookAtHome's, by domain).
  event_recipes: {
    key: 'link_key',
    keyType: 'text',
    select: `SELECT er.event_id || ':' || er.domain || ':' || er.recipe_id AS link_key, er.event_id, er.domain,
                    er.recipe_id, er.created_at
               FROM event_recipes er JOIN halloween_events e ON e.event_id = er.event_id
              WHERE e.user_id = $1`,
  },
  costume_ideas: {
    key: 'costume_id',
    keyType: 'uuid',
    select: 'SELECT * FROM costume_ideas WHERE user_id = $1',
  },
  haunted_house_plans: {
    key: 'plan_id',
    keyType: 'uuid',
    select: 'SELECT * FROM haunted_house_plans WHERE user_id = $1',
  },
  votes: {
    key: 'vote_key',
    keyType: 'text',
    select: `SELECT item_kind || ':' || item_id AS vote_key, item_kind, item_id, is_active, created_at, updated_at
               FROM votes WHERE voter_id = $1`,
  },
  reports: {
    key: 'report_id',
    keyType: 'bigint',
    select:
      'SELECT report_id, item_kind, item_id, reason, created_at, cleared_at FROM reports WHERE reporter_id = $1',
  },
  market_listings: {
    key: 'listing_id',
    keyType: 'uuid',
    select: `SELECT listing_id, item_kind, plan_id, costume_id, title, summary, price, is_listed, created_at, updated_at
               FROM market_listings WHERE seller_id = $1`,
  },
  // What they bought and sold (the other party not named, as the apps show it). A purchase carries
  // the buyer's copy of the item they bought (a sale's item is in the seller's own collections).
  market_purchases: {
    key: 'purchase_id',
    keyType: 'uuid',
    select: `SELECT purchase_id, listing_id, CASE WHEN buyer_id = $1 THEN 'bought' ELSE 'sold' END AS side,
                    item_kind, title, price, status, fee, created_at, completed_at, refunded_at, refund_reason,
                    CASE WHEN buyer_id = $1 THEN item_snapshot END AS item_copy
               FROM market_purchases WHERE buyer_id = $1 OR seller_id = $1`,
  },
  affiliate_clicks: {
    key: 'click_id',
    keyType: 'bigint',
    select: 'SELECT click_id, retailer, item_kind, clicked_at FROM affiliate_clicks WHERE user_id = $1',
  },
};

export const HOLLOWTOWN_IMPORT = {
  spooky_recipes: {
    table: 'spooky_recipes',
    idColumn: 'recipe_id',
    columns: [
      'recipe_name',
      'description',
      'spookiness_level',
      'difficulty',
      'ingredients',
      'instructions',
      'prep_time_minutes',
      'serves',
      'tags',
      'image_url',
      'source',
      'ai_model',
      'created_at',
    ],
  },
  halloween_events: {
    table: 'halloween_events',
    idColumn: 'event_id',
    columns: [
      'event_name',
      'event_type',
      'event_date',
      'location',
      'guest_count',
      'budget_cents',
      'shopping_list',
      'created_at',
    ],
  },
  costume_ideas: {
    table: 'costume_ideas',
    idColumn: 'costume_id',
    columns: [
      'costume_name',
      'description',
      'difficulty',
      'materials',
      'cost_estimate_cents',
      'image_url',
      'tags',
      'created_at',
    ],
  },
  haunted_house_plans: {
    table: 'haunted_house_plans',
    idColumn: 'plan_id',
    columns: ['room_name', 'scare_level', 'props_needed', 'setup_instructions', 'created_at'],
  },
} as const satisfies Record<string, ImportedTable>;

/** Links an imported event to an imported recipe; true when the link is new. */
export async function linkImportedEventRecipe(
  db: Queryable,
  link: { eventId: string; domain: 'hollowtown' | 'recipes'; recipeId: string; userId: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO event_recipes (event_id, domain, recipe_id, added_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING`,
    [link.eventId, link.domain, link.recipeId, link.userId],
  );
  return rowCount > 0;
}
