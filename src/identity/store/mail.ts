// Outbound mail (mail_deliveries): one delivery per outbox event, claimed by one sender at a time
// and retried with backoff; and the optional mail categories people turned off (mail_opt_outs).
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import type { Tables } from './tables.ts';

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'expired';

export type DeliveryRow = Refine<
  Pick<
    Tables['mail_deliveries'],
    | 'delivery_id'
    | 'event_id'
    | 'user_id'
    | 'app'
    | 'kind'
    | 'to_address'
    | 'locale'
    | 'data'
    | 'status'
    | 'attempts'
    | 'next_attempt_at'
    | 'last_error'
    | 'message_id'
    | 'expires_at'
    | 'created_at'
    | 'sent_at'
  >,
  {
    data: Record<string, unknown>;
    status: DeliveryStatus;
  }
>;

const COLUMNS = `delivery_id, event_id, user_id, app, kind, to_address, locale, data, status, attempts,
  next_attempt_at, last_error, message_id, expires_at, created_at, sent_at`;

export async function deliveryExists(db: Queryable, eventId: number): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM mail_deliveries WHERE event_id = $1) AS found',
    [eventId],
  );
  return rows[0]?.found === true;
}

/** Queues a mail for an event; an event that already has its delivery adds nothing (false). */
export async function insertDelivery(
  db: Queryable,
  input: {
    eventId: number;
    userId: string | null;
    app: string;
    kind: string;
    to: string;
    locale: string;
    data: Record<string, unknown>;
    messageId: string;
    expiresAt: Date | null;
    now: Date;
  },
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO mail_deliveries
       (event_id, user_id, app, kind, to_address, locale, data, message_id, expires_at, created_at, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
     ON CONFLICT (event_id) DO NOTHING`,
    [
      input.eventId,
      input.userId,
      input.app,
      input.kind,
      input.to,
      input.locale,
      JSON.stringify(input.data),
      input.messageId,
      input.expiresAt,
      input.now,
    ],
  );
  return result.rowCount > 0;
}

/**
 * Takes up to `limit` deliveries that are due and that no other sender holds, for `leaseMs`:
 * each is counted as an attempt. A sender that dies mid-way loses its lease and another takes
 * the delivery over.
 */
export async function claimDueDeliveries(
  db: Queryable,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<DeliveryRow[]> {
  const { rows } = await db.query<DeliveryRow>(
    `UPDATE mail_deliveries SET status = 'sending', attempts = attempts + 1,
       locked_until = $1::timestamptz + make_interval(secs => $2::double precision / 1000)
     WHERE delivery_id IN (
       SELECT delivery_id FROM mail_deliveries
       WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1
         AND (locked_until IS NULL OR locked_until < $1)
       ORDER BY next_attempt_at, delivery_id
       LIMIT $3
       FOR UPDATE SKIP LOCKED)
     RETURNING ${COLUMNS}`,
    [now, leaseMs, limit],
  );
  return rows.map((r) => ({ ...r, delivery_id: Number(r.delivery_id), event_id: Number(r.event_id) }));
}

/** Sent: the template's secrets are dropped, only what the log needs stays. */
export async function markDeliverySent(db: Queryable, deliveryId: number, at: Date): Promise<void> {
  await db.query(
    `UPDATE mail_deliveries SET status = 'sent', sent_at = $2, locked_until = NULL, last_error = NULL,
       data = data - 'sealed'
     WHERE delivery_id = $1`,
    [deliveryId, at],
  );
}

/** Tried and failed: again at `retryAt`, or never (`retryAt` null: failed for good). */
export async function markDeliveryFailed(
  db: Queryable,
  deliveryId: number,
  error: string,
  retryAt: Date | null,
): Promise<void> {
  await db.query(
    `UPDATE mail_deliveries
     SET status = CASE WHEN $3::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
         next_attempt_at = COALESCE($3::timestamptz, next_attempt_at),
         locked_until = NULL, last_error = $2,
         data = CASE WHEN $3::timestamptz IS NULL THEN data - 'sealed' ELSE data END
     WHERE delivery_id = $1`,
    [deliveryId, error.slice(0, 500), retryAt],
  );
}

export async function markDeliveryExpired(db: Queryable, deliveryId: number): Promise<void> {
  await db.query(
    `UPDATE mail_deliveries SET status = 'expired', locked_until = NULL, data = data - 'sealed'
     WHERE delivery_id = $1`,
    [deliveryId],
  );
}

/** Deliveries (any status) of an account, or all of them, newest first: tests and operators. */
export async function listDeliveries(
  db: Queryable,
  filter: { userId?: string; limit: number },
): Promise<DeliveryRow[]> {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT ${COLUMNS} FROM mail_deliveries WHERE ($1::uuid IS NULL OR user_id = $1)
     ORDER BY delivery_id DESC LIMIT $2`,
    [filter.userId ?? null, filter.limit],
  );
  return rows.map((r) => ({ ...r, delivery_id: Number(r.delivery_id), event_id: Number(r.event_id) }));
}

/** Finished deliveries older than `before` go (sent, failed or expired). */
export async function pruneDeliveries(db: Queryable, before: Date): Promise<number> {
  const result = await db.query(
    `DELETE FROM mail_deliveries WHERE status IN ('sent', 'failed', 'expired') AND created_at < $1`,
    [before],
  );
  return result.rowCount;
}

export async function listOptOuts(db: Queryable, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ category: string }>(
    'SELECT category FROM mail_opt_outs WHERE user_id = $1 ORDER BY category',
    [userId],
  );
  return rows.map((r) => r.category);
}

export async function isOptedOut(db: Queryable, userId: string, category: string): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM mail_opt_outs WHERE user_id = $1 AND category = $2) AS found',
    [userId, category],
  );
  return rows[0]?.found === true;
}

export async function setOptOut(
  db: Queryable,
  userId: string,
  category: string,
  optedOut: boolean,
): Promise<void> {
  if (optedOut) {
    await db.query('INSERT INTO mail_opt_outs (user_id, category) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      userId,
      category,
    ]);
  } else {
    await db.query('DELETE FROM mail_opt_outs WHERE user_id = $1 AND category = $2', [userId, category]);
  }
}
