// What the events views read: Hollowtown's events and their recipes, and what they show from
// Family Planner (families, the family shopping list) and HowToCookAtHome (recipes), named from
// the services' generated OpenAPI types (web/api/generated).
import type { Answer } from '../api/answers.ts';
import type { paths as familyPaths } from '../api/generated/family.ts';
import type { paths } from '../api/generated/hollowtown.ts';
import { shownUnit } from '../shared/amounts.ts';

export type { Page } from '../shared/api.ts';

/** An event; `family_shopping_list` (the family list made from its recipes) only on GET /api/events/{id}. */
export type HalloweenEvent = Answer<paths, '/api/events/{id}', 'get'>;
/** The event's own purchases (decorations, costumes…), each with an estimated cost. */
export type EventShoppingItem = HalloweenEvent['shopping_list'][number];
export type EventRecipePage = Answer<paths, '/api/events/{id}/recipes', 'get'>;
export type EventRecipe = EventRecipePage['items'][number];
export type RecipeDomain = EventRecipe['domain'];
export type GeneratedList = Answer<paths, '/api/events/{id}/shopping-list', 'post'>;

/** A recipe either app offers for the event: just what the picker needs of either answer. */
export interface RecipeChoice {
  recipe_id: string;
  recipe_name: string;
  serves: number | null;
}

export type Family = Answer<familyPaths, '/api/families/{id}', 'get'>;
/** A family shopping list (buy_links: none when the person turned them off; then no disclosure). */
export type FamilyShoppingList = Answer<familyPaths, '/api/shopping-lists/{id}', 'get'>;
export type FamilyShoppingItem = FamilyShoppingList['items'][number];

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
