// A costume's materials and a room's props as a person types them: one thing per line. A line
// left as it was keeps the item it showed (with its quantity and note, when the API set them);
// a new line is a thing by its name.
import { shownUnit } from '../shared/amounts.ts';

export interface ThingItem {
  name: string;
  quantity?: number | null;
  unit?: string | null;
  note?: string | null;
}

/** "3 boxes", "fog machine (rented)": how an item reads on one line. */
export function itemLine(item: ThingItem): string {
  const amount = [item.quantity ?? null, shownUnit(item.unit)].filter((x) => x !== null).join(' ');
  return `${amount ? `${amount} ` : ''}${item.name}${item.note ? ` (${item.note})` : ''}`;
}

export const itemText = (items: readonly ThingItem[]) => items.map(itemLine).join('\n');

/** The items of the text, reusing those whose line did not change. */
export function itemsOfText(text: string, before: readonly ThingItem[] = []): ThingItem[] {
  const unchanged = new Map(before.map((item) => [itemLine(item), item]));
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => unchanged.get(line) ?? { name: line });
}
