// What the events views read: Hollowtown's events and their recipes, and what they show from
// Family Planner (families, the family shopping list) and HowToCookAtHome (recipes).
import { shownUnit } from '../shared/amounts.ts';
import type { BuyLink } from '../shared/buy-links.tsx';

export type { Page } from '../shared/api.ts';

export interface EventShoppingItem {
  name: string;
  quantity: number | null;
  unit: string | null;
  note: string | null;
  checked: boolean;
  estimated_cost_cents: number | null;
}

export interface HalloweenEvent {
  event_id: string;
  family_id: string | null;
  is_mine: boolean;
  /** The family list made from the event's recipes (only on GET /api/events/:id). */
  family_shopping_list: {
    list_id: string;
    items: number;
    checked: number;
    estimated_cost_cents: number;
    budget_remaining_cents: number | null;
  } | null;
  event_name: string;
  event_type: string;
  event_date: string;
  location: string | null;
  guest_count: number;
  budget_cents: number | null;
  /** The event's own purchases (decorations, costumes…), each with an estimated cost. */
  shopping_list: EventShoppingItem[];
  shopping_total_cents: number;
  items_remaining: number;
  budget_remaining_cents: number | null;
}

export type RecipeDomain = 'hollowtown' | 'recipes';

export interface EventRecipe {
  domain: RecipeDomain;
  recipe_id: string;
  added_by: string;
  added_at: string;
  recipe_name: string | null;
  serves: number | null;
  available: boolean;
}

export interface GeneratedList {
  list_id: string;
  family_id: string;
  version: number;
  items: number;
  skipped_recipes: Array<{ domain: string; recipe_id: string }>;
  estimated_cost_cents: number;
  budget_cents: number | null;
  budget_remaining_cents: number | null;
}

/** A recipe either app offers for the event: just what the picker needs. */
export interface RecipeChoice {
  recipe_id: string;
  recipe_name: string;
  serves: number | null;
}

export interface Family {
  family_id: string;
  family_name: string;
  my_role: string;
}

export interface FamilyShoppingItem {
  item_id: string;
  name: string;
  quantity: number | null;
  unit: string | null;
  note: string | null;
  cost_cents: number | null;
  checked: boolean;
  /** "Buy at …" links (Family Planner makes them; none when the person turned them off). */
  buy_links?: BuyLink[];
}

export interface FamilyShoppingList {
  list_id: string;
  family_id: string;
  list_name: string;
  version: number;
  source: { domain: string; id: string } | null;
  estimated_cost_cents: number;
  items: FamilyShoppingItem[];
  /** Shown wherever buy_links appear. */
  affiliate_disclosure?: string | null;
}

export const EVENT_TYPES = [
  ['party', 'Party'],
  ['haunted-house', 'Haunted house'],
  ['trick-or-treat', 'Trick-or-treat'],
  ['other', 'Other'],
] as const;

/** "2 cups" or "" when the amount is unknown. */
export const amountOf = (item: { quantity: number | null; unit: string | null }) =>
  [item.quantity === null ? null : Number(item.quantity.toFixed(2)), shownUnit(item.unit)]
    .filter((x) => x !== null)
    .join(' ');

/** The event's day as the person reads it (the API sends a calendar day, no time zone). */
export const eventDay = (event: HalloweenEvent) => `${event.event_date.slice(0, 10)}T12:00:00`;
