// Web Push subscriptions of members (family_push_subscriptions) in family_db.
import type { Queryable } from '../../platform/db/database.ts';
import type { Tables } from './tables.ts';

export type PushSubscriptionRow = Pick<
  Tables['family_push_subscriptions'],
  'subscription_id' | 'user_id' | 'endpoint' | 'p256dh' | 'auth' | 'created_at'
>;

const COLUMNS = 'subscription_id, user_id, endpoint, p256dh, auth, created_at';

/**
 * Stores a subscription (a browser subscribing again with the same endpoint gets its keys
 * updated), unless the user already has `cap` others; answers undefined when over the cap.
 */
export async function upsertSubscription(
  db: Queryable,
  row: Omit<PushSubscriptionRow, 'subscription_id'>,
  cap: number,
): Promise<{ row: PushSubscriptionRow; created: boolean } | undefined> {
  // The count and the insert are one statement; two browsers racing past the cap by one is harmless.
  const { rows } = await db.query<PushSubscriptionRow & { created: boolean }>(
    `INSERT INTO family_push_subscriptions AS s (user_id, endpoint, p256dh, auth, created_at)
     SELECT $1, $2, $3, $4, $5
     WHERE EXISTS (SELECT 1 FROM family_push_subscriptions WHERE user_id = $1 AND endpoint = $2)
        OR (SELECT count(*) FROM family_push_subscriptions WHERE user_id = $1) < $6
     ON CONFLICT (user_id, endpoint) DO UPDATE SET p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth
     RETURNING ${COLUMNS}, (xmax = 0) AS created`,
    [row.user_id, row.endpoint, row.p256dh, row.auth, row.created_at, cap],
  );
  const found = rows[0];
  if (!found) return undefined;
  const { created, ...stored } = found;
  return { row: stored, created };
}

/** Deletes the user's subscription with that endpoint; answers whether there was one. */
export async function deleteSubscription(db: Queryable, userId: string, endpoint: string): Promise<boolean> {
  const result = await db.query(
    'DELETE FROM family_push_subscriptions WHERE user_id = $1 AND endpoint = $2',
    [userId, endpoint],
  );
  return result.rowCount > 0;
}

/** Deletes a subscription the push service says is gone. */
export async function deleteSubscriptionById(db: Queryable, subscriptionId: string): Promise<void> {
  await db.query('DELETE FROM family_push_subscriptions WHERE subscription_id = $1', [subscriptionId]);
}

/** The subscriptions of these users. */
export async function subscriptionsOf(db: Queryable, userIds: string[]): Promise<PushSubscriptionRow[]> {
  if (userIds.length === 0) return [];
  const { rows } = await db.query<PushSubscriptionRow>(
    `SELECT ${COLUMNS} FROM family_push_subscriptions WHERE user_id = ANY($1::uuid[]) ORDER BY created_at`,
    [userIds],
  );
  return rows;
}

/** The user's subscriptions (their endpoints), oldest first. */
export async function listSubscriptions(db: Queryable, userId: string): Promise<PushSubscriptionRow[]> {
  return subscriptionsOf(db, [userId]);
}
