// `item_reference` input items of the Responses API: each names an item (a message, a function
// call or its output) of one of the caller's own stored responses, and stands for that item. An
// id the caller has no kept item for (another user's included) is 404, as OpenAI answers it.
import { AiErrors } from '../errors.ts';
import type { ItemReference } from '../formats/responses.ts';
import { jsonBytes } from '../formats/responses-items.ts';
import type { GatewayDeps } from './deps.ts';
import { MAX_CHAIN_BYTES } from './stored-responses.ts';

/** The referenced items by id; at most MAX_CHAIN_BYTES of them in all (what a chain may bring in). */
export async function referencedItems(
  deps: GatewayDeps,
  userId: string,
  references: readonly ItemReference[],
): Promise<Map<string, unknown>> {
  if (references.length === 0) return new Map();
  const ids = [...new Set(references.map((reference) => reference.id))];
  const found = new Map(
    (await deps.identity.ai.storedItems(userId, ids)).map(({ itemId, item }) => [itemId, item]),
  );
  const missing = references.find((reference) => !found.has(reference.id));
  if (missing) throw AiErrors.itemNotFound(missing.id, `input[${missing.index}]`);
  const bytes = references.reduce((sum, reference) => sum + jsonBytes(found.get(reference.id)), 0);
  if (bytes > MAX_CHAIN_BYTES) throw AiErrors.referencedItemsTooLarge(bytes, MAX_CHAIN_BYTES);
  return found;
}
