// Family chat (family_messages) and read markers (family_chat_reads) in family_db.
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import { keysetSql, Params } from '../../platform/db/sql.ts';
import type { Tables } from './tables.ts';

export type MessageRow = Refine<
  Pick<
    Tables['family_messages'],
    | 'message_id'
    | 'family_id'
    | 'author_id'
    | 'body'
    | 'reply_to'
    | 'created_at'
    | 'edited_at'
    | 'deleted_at'
    | 'link_kind'
    | 'link_id'
  >,
  {
    /** What the message links (migration 052), or null. */
    link_kind: 'todo' | 'shopping_item' | 'event' | 'hollowtown_event' | null;
  }
> & {
  /** `seq::text`: the bigint as a string, exact beyond 2^53 (clients page by it). */
  seq: string;
};

const COLUMNS =
  'message_id, seq::text AS seq, family_id, author_id, body, reply_to, created_at, edited_at, deleted_at, link_kind, link_id';

export async function insertMessage(
  tx: Queryable,
  row: {
    familyId: string;
    authorId: string;
    body: string;
    replyTo: string | null;
    createdAt: Date;
    link: { kind: NonNullable<MessageRow['link_kind']>; id: string } | null;
  },
): Promise<MessageRow> {
  const { rows } = await tx.query<MessageRow>(
    `INSERT INTO family_messages (family_id, author_id, body, reply_to, created_at, link_kind, link_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [
      row.familyId,
      row.authorId,
      row.body,
      row.replyTo,
      row.createdAt,
      row.link?.kind ?? null,
      row.link?.id ?? null,
    ],
  );
  return rows[0] as MessageRow;
}

export async function findMessage(
  db: Queryable,
  familyId: string,
  messageId: string,
): Promise<MessageRow | undefined> {
  const { rows } = await db.query<MessageRow>(
    `SELECT ${COLUMNS} FROM family_messages WHERE family_id = $1 AND message_id = $2`,
    [familyId, messageId],
  );
  return rows[0];
}

// Qualified: a bare `seq` in ORDER BY names the selected `seq::text`, which sorts "9" above "10".
const NEWEST_MESSAGES = keysetSql('desc', [['family_messages.seq', 'bigint']]);

/** Newest first, below `beforeSeq` when given; limit + 1 rows, to tell whether more follow. */
export async function listMessages(
  db: Queryable,
  familyId: string,
  limit: number,
  beforeSeq?: number,
): Promise<MessageRow[]> {
  const params = new Params([familyId, limit + 1]);
  const keyset = beforeSeq === undefined ? '' : `AND ${NEWEST_MESSAGES.after([beforeSeq], params)}`;
  const { rows } = await db.query<MessageRow>(
    `SELECT ${COLUMNS} FROM family_messages WHERE family_id = $1 ${keyset}
     ORDER BY ${NEWEST_MESSAGES.orderBy} LIMIT $2`,
    params.values,
  );
  return rows;
}

/** Oldest first, after `afterSeq`: what a stream that reconnects has missed. */
export async function listMessagesAfter(
  db: Queryable,
  familyId: string,
  afterSeq: string,
  limit: number,
): Promise<MessageRow[]> {
  const { rows } = await db.query<MessageRow>(
    `SELECT ${COLUMNS} FROM family_messages WHERE family_id = $1 AND seq > $2::bigint ORDER BY seq LIMIT $3`,
    [familyId, afterSeq, limit],
  );
  return rows;
}

export async function updateMessageBody(
  tx: Queryable,
  messageId: string,
  body: string,
  at: Date,
): Promise<MessageRow> {
  const { rows } = await tx.query<MessageRow>(
    `UPDATE family_messages SET body = $2, edited_at = $3 WHERE message_id = $1 RETURNING ${COLUMNS}`,
    [messageId, body, at],
  );
  return rows[0] as MessageRow;
}

/** The message keeps its place in the conversation; its text is gone. */
export async function markMessageDeleted(
  tx: Queryable,
  messageId: string,
  by: string,
  at: Date,
): Promise<MessageRow> {
  const { rows } = await tx.query<MessageRow>(
    `UPDATE family_messages SET body = '', deleted_at = $3, deleted_by = $2, link_kind = NULL, link_id = NULL
     WHERE message_id = $1
     RETURNING ${COLUMNS}`,
    [messageId, by, at],
  );
  return rows[0] as MessageRow;
}

/** Moves the user's read marker forward (never back) to `seq`, capped at the newest message. */
export async function markRead(db: Queryable, familyId: string, userId: string, seq: string): Promise<void> {
  await db.query(
    `INSERT INTO family_chat_reads AS r (family_id, user_id, last_read_seq)
     VALUES ($1, $2, LEAST($3::bigint, (SELECT coalesce(max(seq), 0) FROM family_messages WHERE family_id = $1)))
     ON CONFLICT (family_id, user_id) DO UPDATE SET last_read_seq = GREATEST(r.last_read_seq, EXCLUDED.last_read_seq)`,
    [familyId, userId, seq],
  );
}

/** The user's marker and how many messages by others, not deleted, come after it. */
export async function unreadOf(
  db: Queryable,
  familyId: string,
  userId: string,
): Promise<{ last_read_seq: string; unread_count: number }> {
  const { rows } = await db.query<{ last_read_seq: string; unread_count: number }>(
    `SELECT coalesce(r.last_read_seq, 0)::text AS last_read_seq,
       (SELECT count(*)::int FROM family_messages m
        WHERE m.family_id = $1 AND m.seq > coalesce(r.last_read_seq, 0) AND m.deleted_at IS NULL
          AND m.author_id IS DISTINCT FROM $2) AS unread_count
     FROM (SELECT 1) AS one LEFT JOIN family_chat_reads r ON r.family_id = $1 AND r.user_id = $2`,
    [familyId, userId],
  );
  return rows[0] as { last_read_seq: string; unread_count: number };
}
