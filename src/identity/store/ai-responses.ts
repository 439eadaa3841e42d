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
    | 'created_at'
    | 'expires_at'
  >,
  {
    input_items: unknown[];
    response: Record<string, unknown>;
  }
>;

const COLUMNS =
  'response_id, previous_response_id, depth, chain_bytes, input_items, response, created_at, expires_at';

const fromRow = (row: StoredResponseRow): StoredAiResponse => ({
  responseId: row.response_id,
  previousResponseId: row.previous_response_id,
  depth: row.depth,
  chainBytes: row.chain_bytes,
  inputItems: row.input_items,
  response: row.response,
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
  await db.query(
    `INSERT INTO ai_stored_responses (response_id, user_id, previous_response_id, depth, chain_bytes, input_items,
       response, size_bytes, created_at, expires_at)
     SELECT $1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10
     WHERE EXISTS (SELECT 1 FROM users WHERE user_id = $2)`,
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
    ],
  );
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
              r.created_at, r.expires_at, c.step + 1
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
