// What an app's staff do there (a refund, a moderation decision) reaches identity's staff audit
// log through the app's own outbox: written in the transaction of the action, so it cannot be
// lost between the app's commit and identity, then delivered at least once by the community
// consumer; identity writes it once under the event's key.
import type { Queryable } from '../platform/db/database.ts';

export const STAFF_ACTION = 'staff.action';

export type StaffActionApp = 'hollowtown' | 'recipes';

/** The event as the app writes it (snake_case, as every outbox payload). */
export interface StaffActionPayload {
  app: StaffActionApp;
  actor_user_id: string;
  /** Like purchase.refunded or item.removed. */
  action: string;
  subject_user_id: string | null;
  reason: string | null;
  details: Record<string, unknown>;
  /** When the staff member acted (identity writes the entry when it hears of it). */
  at: string;
}

type Enqueue = (tx: Queryable, topic: string, payload: Record<string, unknown>, at: Date) => Promise<void>;

/** Call inside the transaction of the action, with the app's outbox writer. */
export async function enqueueStaffAction(
  enqueue: Enqueue,
  tx: Queryable,
  action: Omit<StaffActionPayload, 'at'>,
  at: Date,
): Promise<void> {
  const payload: StaffActionPayload = { ...action, at: at.toISOString() };
  await enqueue(tx, STAFF_ACTION, { ...payload }, at);
}

/** The key identity writes the entry under: a redelivery of the same event writes nothing. */
export const staffActionKey = (app: StaffActionApp, eventId: number) => `${app}:outbox:${eventId}`;
