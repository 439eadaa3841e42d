// Keyset pages for the family lists, each with its own cursors (src/platform/http/pagination.ts):
// a position is the last row's sort timestamp (to the microsecond) and id, or its seq.

import { keyset, type Page, TIME_KEY } from '../../platform/http/pagination.ts';
import { isUuid } from '../../platform/ids.ts';

/** In the order the user joined them. */
export const MY_FAMILIES = keyset('family.families', TIME_KEY);
/** Longest-standing first. */
export const MEMBERS = keyset('family.members', TIME_KEY);
/** Oldest first. */
export const OPEN_INVITATIONS = keyset('family.invitations', TIME_KEY);
export const TODO_LISTS = keyset('family.todo-lists', TIME_KEY);
export const TODO_ITEMS = keyset('family.todo-items', TIME_KEY);
/** Soonest first, single events and occurrences of series together. */
export const CALENDAR = keyset('family.calendar', TIME_KEY);
/** The family chat, newest first, by seq. */
export const MESSAGES = keyset('family.messages', { seq: 'bigint' });
/** A member's notifications, newest first, by seq. */
export const NOTIFICATIONS = keyset('family.notifications', { seq: 'bigint' });

export type { Page };
export { isUuid };
