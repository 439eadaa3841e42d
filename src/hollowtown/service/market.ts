// Hollowtown's marketplace: owners list their haunted-house plans and costume ideas for a price
// in credits; anyone signed in browses the listings and their public preview; a buyer pays
// through identity's credit transfer and then reads the full item, and keeps a copy of it once
// the seller's item is gone. The mechanics are the platform's (src/platform/market); this is
// Hollowtown's adapter: its kinds of item, how one is checked, shown and kept.
import { enqueueStaffAction } from '../../community/staff-actions.ts';
import type { IdentityClient } from '../../identity/client.ts';
import {
  createMarketplace,
  type ListingView as MarketListingView,
  type PurchaseDetails as MarketPurchaseDetails,
  type PurchaseView as MarketPurchaseView,
} from '../../platform/market/service.ts';
import type { Ingredient } from '../client.ts';
import type { HollowtownDeps } from '../deps.ts';
import { MarketErrors } from '../errors.ts';
import {
  findOwnItem,
  type ListingRow,
  MARKET_ITEM_KINDS,
  MARKET_SQL,
  type MarketItemKind,
} from '../store/market.ts';
import { enqueueEvent } from '../store/outbox.ts';
import type { Prop } from '../store/plans.ts';

export { PENDING_GRACE_MS } from '../../platform/market/service.ts';

/** What anyone signed in sees of a listed item before buying it. */
export type ListingPreview =
  | { item_kind: 'plan'; room_name: string; scare_level: number; props_count: number; steps_count: number }
  | {
      item_kind: 'costume';
      costume_name: string;
      difficulty: string;
      image_url: string | null;
      tags: string[];
      materials_count: number;
    };

/** The whole item, for its seller and its buyers. */
export type ListingItem =
  | {
      item_kind: 'plan';
      plan_id: string;
      room_name: string;
      scare_level: number;
      props_needed: Prop[];
      setup_instructions: string[];
    }
  | {
      item_kind: 'costume';
      costume_id: string;
      costume_name: string;
      description: string | null;
      difficulty: string;
      materials: Ingredient[];
      cost_estimate_cents: number | null;
      image_url: string | null;
      tags: string[];
    };

export type ListingView = MarketListingView<MarketItemKind, ListingPreview, ListingItem>;
export type PurchaseView = MarketPurchaseView<MarketItemKind>;
export type PurchaseDetails = MarketPurchaseDetails<MarketItemKind, ListingItem>;

const previewOf = (row: ListingRow): ListingPreview =>
  row.item_kind === 'plan'
    ? {
        item_kind: 'plan',
        room_name: row.plan_room_name ?? '',
        scare_level: row.plan_scare_level ?? 1,
        props_count: row.plan_props?.length ?? 0,
        steps_count: row.plan_steps?.length ?? 0,
      }
    : {
        item_kind: 'costume',
        costume_name: row.costume_name ?? '',
        difficulty: row.costume_difficulty ?? 'easy',
        image_url: row.costume_image_url,
        tags: row.costume_tags ?? [],
        materials_count: row.costume_materials?.length ?? 0,
      };

const itemOf = (row: ListingRow): ListingItem =>
  row.item_kind === 'plan'
    ? {
        item_kind: 'plan',
        plan_id: row.item_id,
        room_name: row.plan_room_name ?? '',
        scare_level: row.plan_scare_level ?? 1,
        props_needed: row.plan_props ?? [],
        setup_instructions: row.plan_steps ?? [],
      }
    : {
        item_kind: 'costume',
        costume_id: row.item_id,
        costume_name: row.costume_name ?? '',
        description: row.costume_description,
        difficulty: row.costume_difficulty ?? 'easy',
        materials: row.costume_materials ?? [],
        cost_estimate_cents: row.costume_cost_cents,
        image_url: row.costume_image_url,
        tags: row.costume_tags ?? [],
      };

export function createMarketService(deps: HollowtownDeps) {
  return createMarketplace<MarketItemKind, ListingRow, ListingPreview, ListingItem>({
    app: 'hollowtown',
    appName: 'Hollowtown',
    kinds: MARKET_ITEM_KINDS,
    itemWord: () => 'item',
    db: deps.db,
    logger: deps.logger,
    now: deps.now,
    identity: () => (deps.clients.has('identity') ? deps.clients.get<IdentityClient>('identity') : undefined),
    enqueueStaffAction: (tx, action, at) => enqueueStaffAction(enqueueEvent, tx, action, at),
    sql: MARKET_SQL,
    transferReason: (title) => `Hollowtown market: ${title}`,
    itemNotFound: (kind) => MarketErrors.itemNotFound(kind),
    async checkSellable(tx, sellerId, kind, itemId) {
      const owned = await findOwnItem(tx, sellerId, kind, itemId);
      if (!owned) throw MarketErrors.itemNotFound(kind);
      // Free or for sale, not both: what buyers pay for must not be readable by everyone.
      if (owned.is_published) throw MarketErrors.planPublished();
      return owned;
    },
    previewOf,
    itemOf,
    pendingGraceMs: deps.marketPendingGraceMs,
  });
}

export type MarketService = ReturnType<typeof createMarketService>;
