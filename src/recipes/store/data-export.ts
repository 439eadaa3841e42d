// recipes_db's part of "Download my data" (GDPR Art. 15/20): the user's rows per collection, and
// the tables an archive's rows are taken back into (see src/platform/data-portability.ts).
import type { ExportedCollection, ImportedTable } from '../../platform/data-portability.ts';

export const RECIPES_EXPORT: Readonly<Record<string, ExportedCollection>> = {
  recipes: { key: 'recipe_id', keyType: 'uuid', select: 'SELECT * FROM recipes WHERE user_id = $1' },
  meal_plans: { key: 'plan_id', keyType: 'uuid', select: 'SELECT * FROM meal_plans WHERE user_id = $1' },
  pantry_items: { key: 'item_id', keyType: 'uuid', select: 'SELECT * FROM pantry_items WHERE user_id = $1' },
  shopping_lists: {
    key: 'list_id',
    keyType: 'uuid',
    select: 'SELECT * FROM shopping_lists WHERE user_id = $1',
  },
  recipe_ratings: {
    key: 'recipe_id',
    keyType: 'uuid',
    select: 'SELECT recipe_id, rating, created_at, updated_at FROM recipe_ratings WHERE user_id = $1',
  },
  recipe_favourites: {
    key: 'recipe_id',
    keyType: 'uuid',
    select: 'SELECT recipe_id, created_at FROM recipe_favourites WHERE user_id = $1',
  },
  cookbooks: {
    key: 'cookbook_id',
    keyType: 'uuid',
    // Each with its recipes in the cookbook's order.
    select: `SELECT c.cookbook_id, c.title, c.description, c.visibility, c.family_id, c.created_at, c.updated_at,
                    COALESCE((SELECT json_agg(e.recipe_id ORDER BY e.position, e.recipe_id)
                                FROM cookbook_recipes e WHERE e.cookbook_id = c.cookbook_id), '[]'::json) AS recipe_ids
               FROM cookbooks c WHERE c.user_id = $1`,
  },
  recipe_comments: {
    key: 'comment_id',
    keyType: 'uuid',
    select:
      'SELECT comment_id, recipe_id, body, created_at, updated_at FROM recipe_comments WHERE user_id = $1',
  },
  recipe_references: {
    key: 'reference_id',
    keyType: 'uuid',
    select: `SELECT reference_id, source_domain, source_recipe_id, recipe_id, snapshot_version, synced_at,
                    source_deleted_at, created_at
               FROM recipe_references WHERE user_id = $1`,
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
  // The recipe books they put on sale, and what they bought and sold (the other party named by
  // id only, as the app shows it).
  market_listings: {
    key: 'listing_id',
    keyType: 'uuid',
    select: `SELECT listing_id, cookbook_id, title, summary, price, is_listed, created_at, updated_at
               FROM market_listings WHERE seller_id = $1`,
  },
  market_purchases: {
    key: 'purchase_id',
    keyType: 'uuid',
    select: `SELECT purchase_id, listing_id, CASE WHEN buyer_id = $1 THEN 'bought' ELSE 'sold' END AS side,
                    title, price, status, fee, created_at, completed_at, refunded_at, refund_reason
               FROM market_purchases WHERE buyer_id = $1 OR seller_id = $1`,
  },
  affiliate_clicks: {
    key: 'click_id',
    keyType: 'bigint',
    select: 'SELECT click_id, retailer, item_kind, clicked_at FROM affiliate_clicks WHERE user_id = $1',
  },
};

export const RECIPES_IMPORT = {
  recipes: {
    table: 'recipes',
    idColumn: 'recipe_id',
    columns: [
      'recipe_name',
      'description',
      'cuisine',
      'difficulty',
      'prep_time_minutes',
      'cook_time_minutes',
      'serves',
      'calories',
      'ingredients',
      'instructions',
      'nutrition',
      'allergens',
      'tags',
      'image_url',
      'source',
      'source_url',
      'created_at',
    ],
  },
  meal_plans: {
    table: 'meal_plans',
    idColumn: 'plan_id',
    columns: [
      'plan_name',
      'start_date',
      'duration_days',
      'meals',
      'shopping_list',
      'total_cost_cents',
      'created_at',
    ],
  },
  pantry_items: {
    table: 'pantry_items',
    idColumn: 'item_id',
    columns: ['item_name', 'quantity', 'unit', 'category', 'expiration_date', 'location', 'created_at'],
  },
  shopping_lists: {
    table: 'shopping_lists',
    idColumn: 'list_id',
    columns: [
      'list_name',
      'store',
      'aisle_order',
      'items',
      'total_cost_cents',
      'purchased_at',
      'plan_id',
      'created_at',
    ],
  },
  cookbooks: {
    table: 'cookbooks',
    idColumn: 'cookbook_id',
    columns: ['title', 'description', 'visibility', 'family_id', 'created_at', 'updated_at'],
  },
} as const satisfies Record<string, ImportedTable>;
