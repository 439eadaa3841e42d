// Responses kept for the Responses API's previous_response_id, as OpenAI keeps them: stored by
// default (store: true), per user, for 30 days; a continued response gets the earlier input and
// output items of its chain before its own input. Each is kept in identity's database through
// its client (as the usage log), under a size cap, and a chain has a most length and size.
import type { StoredAiResponse } from '../../identity/client.ts';
import { AiErrors } from '../errors.ts';
import type { StreamDelta } from '../formats/response-events.ts';
import type { ResponsesCall } from '../formats/responses.ts';
import { jsonBytes } from '../formats/responses-items.ts';
import type { GatewayDeps } from './deps.ts';

/** How long a stored response is kept (OpenAI's 30 days); housekeeping deletes it after. */
export const RESPONSE_RETENTION_MS = 30 * 24 * 60 * 60_000;
/** The most one stored response takes: its own input items and the response object. */
export const MAX_STORED_RESPONSE_BYTES = 2 * 1024 * 1024;
/** The most responses one chain of previous_response_id may have. */
export const MAX_CHAIN_LENGTH = 100;
/** The most a whole chain takes stored (what continuing it reads back): a request body's worth. */
export const MAX_CHAIN_BYTES = 16 * 1024 * 1024;

/** The stored chain a request continues. */
export interface PreviousChain {
  responseId: string;
  depth: number;
  chainBytes: number;
  /** Input and output items of every response of the chain, oldest first. */
  items: unknown[];
}

/** The chain ending at `responseId` (404 when the user has no such response, or part of it is gone). */
export async function previousChain(
  deps: GatewayDeps,
  userId: string,
  responseId: string,
): Promise<PreviousChain> {
  const chain = await deps.identity.ai.responseChain(userId, responseId, MAX_CHAIN_LENGTH);
  const head = chain.at(-1);
  if (!head) throw AiErrors.responseNotFound(responseId, 'previous_response_id');
  const oldest = chain[0] as StoredAiResponse;
  // An ancestor was deleted or has expired: continuing without it would silently lose context.
  if (chain.length < head.depth)
    throw AiErrors.responseNotFound(oldest.previousResponseId ?? responseId, 'previous_response_id');
  return {
    responseId,
    depth: head.depth,
    chainBytes: head.chainBytes,
    items: chain.flatMap((stored) => [
      ...stored.inputItems,
      ...(Array.isArray(stored.response.output) ? stored.response.output : []),
    ]),
  };
}

/** Refuses, before any model runs, a response that is to be stored but could not be. */
export function checkStorable(call: ResponsesCall, previous: PreviousChain | undefined): void {
  if (!call.store) return;
  if ((previous?.depth ?? 0) + 1 > MAX_CHAIN_LENGTH) throw AiErrors.responseChainTooLong(MAX_CHAIN_LENGTH);
  const bytes = jsonBytes(call.inputItems);
  if (bytes > MAX_STORED_RESPONSE_BYTES)
    throw AiErrors.responseTooLargeToStore(bytes, MAX_STORED_RESPONSE_BYTES);
  if ((previous?.chainBytes ?? 0) + bytes > MAX_CHAIN_BYTES)
    throw AiErrors.responseTooLargeToStore((previous?.chainBytes ?? 0) + bytes, MAX_CHAIN_BYTES);
}

/**
 * Stores a finished response when its request asked for it; false when it is not kept (not
 * asked, too large with its output, or the store failed: the answer still goes out, saying
 * `store: false`).
 */
export async function keepResponse(
  deps: GatewayDeps,
  userId: string,
  call: ResponsesCall,
  previous: PreviousChain | undefined,
  response: Record<string, unknown>,
  /** How a streamed answer was cut (replayed by GET ?stream=true); absent when answered whole. */
  streamDeltas?: StreamDelta[],
): Promise<boolean> {
  if (!call.store) return false;
  const bytes =
    jsonBytes(call.inputItems) + jsonBytes(response) + (streamDeltas ? jsonBytes(streamDeltas) : 0);
  const chainBytes = (previous?.chainBytes ?? 0) + bytes;
  if (bytes > MAX_STORED_RESPONSE_BYTES || chainBytes > MAX_CHAIN_BYTES) {
    deps.logger.info({ responseId: response.id, bytes, chainBytes }, 'response too large to store; not kept');
    return false;
  }
  const createdAt = deps.clock.now();
  try {
    await deps.identity.ai.storeResponse(userId, {
      responseId: String(response.id),
      previousResponseId: previous?.responseId ?? null,
      depth: (previous?.depth ?? 0) + 1,
      chainBytes,
      inputItems: call.inputItems,
      response,
      streamDeltas: streamDeltas ?? null,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + RESPONSE_RETENTION_MS),
    });
    return true;
  } catch (error) {
    deps.logger.error(
      { err: error, responseId: response.id },
      'storing a response failed; answered unstored',
    );
    return false;
  }
}
