// Responses the AI gateway stores for the Responses API (previous_response_id), per user, until
// they expire.
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import type { StoredAiResponse } from '../client.ts';
import type { Tables } from './tables.ts';

type StoredResponseRow = Refine<
  Pick<
    Tables['ai_stored_responses'],
    | 'response_id'
    | 'previous_response_id'
    | 'depth'
    | 'chain_bytes'
    | 'input_items'
    | 'response'
    | 'stream_deltas'
    | 'created_at'
    | 'expires_at'
  >,
  {
    input_items: unknown[];
    response: Record<string, unknown>;
    /** How a streamed answer was cut: [output item, characters] per piece; null when answered whole. */
    stream_deltas: [number, number][] | null;
  }
>;

const COLUMNS =
  'response_id, previous_response_id, depth, chain_bytes, input_items, response, stream_deltas, created_at, expires_at';

const fromRow = (row: StoredResponseRow): StoredAiResponse => ({
  responseId: row.response_id,
  previousResponseId: row.previous_response_id,
  depth: row.depth,
  chainBytes: row.chain_bytes,
  inputItems: row.input_items,
  response: row.response,
  streamDeltas: row.stream_deltas,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

/** Stores a response of an existing user (none for an account deleted meanwhile). */
export async function insertStoredResponse(
  db: Queryable,
  userId: string,
  stored: StoredAiResponse,
): Promise<void> {
  const inputItems = JSON.stringify(stored.inputItems);
  const response = JSON.stringify(stored.response);
  const deltas = stored.streamDeltas ? JSON.stringify(stored.streamDeltas) : null;
  // One statement: the response and the ids of its items (for item_reference), or neither.
  await db.query(
    `WITH kept AS (
       INSERT INTO ai_stored_responses (response_id, user_id, previous_response_id, depth, chain_bytes, input_items,
         response, size_bytes, created_at, expires_at, stream_deltas)
       SELECT $1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11::jsonb
       WHERE EXISTS (SELECT 1 FROM users WHERE user_id = $2)
       RETURNING response_id, user_id, input_items, response
     )
     INSERT INTO ai_stored_response_items (user_id, item_id, response_id, source, position)
     SELECT DISTINCT ON (item.id) kept.user_id, item.id, kept.response_id, item.source, item.position
       FROM kept, LATERAL (
         SELECT e.value->>'id' AS id, 'input' AS source, (e.ordinality - 1)::int AS position
           FROM jsonb_array_elements(kept.input_items) WITH ORDINALITY AS e
         UNION ALL
         SELECT e.value->>'id', 'output', (e.ordinality - 1)::int
           FROM jsonb_array_elements(CASE WHEN jsonb_typeof(kept.response->'output') = 'array'
                                          THEN kept.response->'output' ELSE '[]'::jsonb END) WITH ORDINALITY AS e
       ) AS item
      WHERE item.id IS NOT NULL AND char_length(item.id) BETWEEN 1 AND 200
      ORDER BY item.id, item.source DESC, item.position`,
    [
      stored.responseId,
      userId,
      stored.previousResponseId,
      stored.depth,
      stored.chainBytes,
      inputItems,
      response,
      Buffer.byteLength(inputItems) + Buffer.byteLength(response),
      stored.createdAt,
      stored.expiresAt,
      deltas,
    ],
  );
}

/**
 * Items of this user's stored responses that are still kept, by item id (for item_reference):
 * each id at most once, from the newest response that has it.
 */
export async function findStoredItems(
  db: Queryable,
  userId: string,
  itemIds: readonly string[],
  now: Date,
): Promise<{ itemId: string; item: unknown }[]> {
  if (itemIds.length === 0) return [];
  const { rows } = await db.query<{ item_id: string; item: unknown }>(
    `SELECT DISTINCT ON (i.item_id) i.item_id,
            CASE i.source WHEN 'input' THEN r.input_items -> i.position
                          ELSE r.response -> 'output' -> i.position END AS item
       FROM ai_stored_response_items i
       JOIN ai_stored_responses r ON r.response_id = i.response_id
      WHERE i.user_id = $1 AND i.item_id = ANY($2::text[]) AND r.expires_at > $3
      ORDER BY i.item_id, r.created_at DESC`,
    [userId, itemIds, now],
  );
  return rows.filter((row) => row.item !== null).map((row) => ({ itemId: row.item_id, item: row.item }));
}

export async function findStoredResponse(
  db: Queryable,
  userId: string,
  responseId: string,
  now: Date,
): Promise<StoredAiResponse | null> {
  const { rows } = await db.query<StoredResponseRow>(
    `SELECT ${COLUMNS} FROM ai_stored_responses WHERE response_id = $1 AND user_id = $2 AND expires_at > $3`,
    [responseId, userId, now],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** The response and the ancestors still kept, oldest first, at most `limit` of them. */
export async function findResponseChain(
  db: Queryable,
  userId: string,
  responseId: string,
  now: Date,
  limit: number,
): Promise<StoredAiResponse[]> {
  const { rows } = await db.query<StoredResponseRow & { step: number }>(
    `WITH RECURSIVE chain AS (
       SELECT ${COLUMNS}, 1 AS step FROM ai_stored_responses
        WHERE response_id = $1 AND user_id = $2 AND expires_at > $3
       UNION ALL
       SELECT r.response_id, r.previous_response_id, r.depth, r.chain_bytes, r.input_items, r.response,
              r.stream_deltas, r.created_at, r.expires_at, c.step + 1
         FROM ai_stored_responses r JOIN chain c ON r.response_id = c.previous_response_id
        WHERE r.user_id = $2 AND r.expires_at > $3 AND c.step < $4
     )
     SELECT ${COLUMNS}, step FROM chain ORDER BY step DESC`,
    [responseId, userId, now, limit],
  );
  return rows.map(fromRow);
}

export async function deleteStoredResponse(
  db: Queryable,
  userId: string,
  responseId: string,
): Promise<boolean> {
  const result = await db.query('DELETE FROM ai_stored_responses WHERE response_id = $1 AND user_id = $2', [
    responseId,
    userId,
  ]);
  return result.rowCount > 0;
}

/** Deletes stored responses that expired before `now`, a batch at a time. */
export async function pruneStoredResponses(db: Queryable, now: Date, batch: number): Promise<number> {
  const result = await db.query(
    `DELETE FROM ai_stored_responses WHERE response_id IN (
       SELECT response_id FROM ai_stored_responses WHERE expires_at <= $1 LIMIT $2)`,
    [now, batch],
  );
  return result.rowCount;
}
