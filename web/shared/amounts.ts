// How amounts read to a person: "3 onions", not "3 count onion". Recipes and merged shopping
// lists carry "count" (or "piece") for things that are counted; it is not worth saying.
const COUNTED = new Set(['count', 'counts', 'piece', 'pieces', 'pc', 'pcs', 'whole', 'item', 'items']);

/** The unit to show, or null when the thing is simply counted. */
export const shownUnit = (unit: string | null | undefined): string | null =>
  unit && !COUNTED.has(unit.trim().toLowerCase()) ? unit : null;
