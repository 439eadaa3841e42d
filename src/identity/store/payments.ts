// Payments for credits in calos_identity, and the provider events already applied (so that a
// replayed webhook changes nothing).
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import type { Tables } from './tables.ts';

export type PaymentProviderName = 'dev' | 'stripe';

export type PaymentRow = Refine<
  Pick<
    Tables['payments'],
    | 'payment_id'
    | 'user_id'
    | 'provider'
    | 'provider_payment_id'
    | 'credits'
    | 'amount_cents'
    | 'status'
    | 'idempotency_key'
    | 'completed_at'
  >,
  {
    provider: PaymentProviderName;
  }
>;

const COLUMNS = `payment_id, user_id, provider, provider_payment_id, credits, amount_cents, status, idempotency_key,
  completed_at`;

/** A purchase a user started; undefined when they already started one under this key. */
export async function insertPayment(
  tx: Queryable,
  input: {
    userId: string;
    provider: PaymentProviderName;
    credits: number;
    amountCents: number;
    idempotencyKey: string;
  },
): Promise<PaymentRow | undefined> {
  const { rows } = await tx.query<PaymentRow>(
    `INSERT INTO payments (user_id, provider, credits, amount_cents, idempotency_key)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id, idempotency_key) DO NOTHING
     RETURNING ${COLUMNS}`,
    [input.userId, input.provider, input.credits, input.amountCents, input.idempotencyKey],
  );
  return rows[0];
}

/**
 * A payment the provider reports that no purchase of ours started (e.g. a payment link), once
 * per provider payment id. Writes nothing when the user does not exist.
 */
export async function insertProviderPayment(
  tx: Queryable,
  input: {
    userId: string;
    provider: PaymentProviderName;
    providerPaymentId: string;
    credits: number;
    amountCents: number;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO payments (user_id, provider, provider_payment_id, credits, amount_cents)
     SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM users WHERE user_id = $1)
     ON CONFLICT (provider, provider_payment_id) DO NOTHING`,
    [input.userId, input.provider, input.providerPaymentId, input.credits, input.amountCents],
  );
}

export async function findPaymentByKey(
  db: Queryable,
  userId: string,
  idempotencyKey: string,
): Promise<PaymentRow | undefined> {
  const { rows } = await db.query<PaymentRow>(
    `SELECT ${COLUMNS} FROM payments WHERE user_id = $1 AND idempotency_key = $2`,
    [userId, idempotencyKey],
  );
  return rows[0];
}

/** Locks a payment until the transaction ends, so that it completes once. */
export async function lockPayment(tx: Queryable, paymentId: string): Promise<PaymentRow | undefined> {
  const { rows } = await tx.query<PaymentRow>(
    `SELECT ${COLUMNS} FROM payments WHERE payment_id = $1 FOR UPDATE`,
    [paymentId],
  );
  return rows[0];
}

export async function lockPaymentByProviderId(
  tx: Queryable,
  provider: PaymentProviderName,
  providerPaymentId: string,
): Promise<PaymentRow | undefined> {
  const { rows } = await tx.query<PaymentRow>(
    `SELECT ${COLUMNS} FROM payments WHERE provider = $1 AND provider_payment_id = $2 FOR UPDATE`,
    [provider, providerPaymentId],
  );
  return rows[0];
}

/** Marks a pending payment completed; undefined when it was not pending (already completed). */
export async function completePayment(
  tx: Queryable,
  paymentId: string,
  providerPaymentId: string | null,
  at: Date,
): Promise<PaymentRow | undefined> {
  const { rows } = await tx.query<PaymentRow>(
    `UPDATE payments
     SET status = 'completed', completed_at = $3, provider_payment_id = coalesce($2, provider_payment_id)
     WHERE payment_id = $1 AND status = 'pending'
     RETURNING ${COLUMNS}`,
    [paymentId, providerPaymentId, at],
  );
  return rows[0];
}

/**
 * Claims a provider event for this transaction: false when it was applied before (a replay).
 * A concurrent delivery of the same event waits here and then sees it taken.
 */
export async function claimPaymentEvent(
  tx: Queryable,
  event: { provider: 'stripe'; eventId: string; eventType: string },
): Promise<boolean> {
  const { rows } = await tx.query(
    `INSERT INTO payment_events (provider, event_id, event_type, outcome) VALUES ($1, $2, $3, 'processing')
     ON CONFLICT (provider, event_id) DO NOTHING RETURNING event_id`,
    [event.provider, event.eventId, event.eventType],
  );
  return rows.length > 0;
}

export async function setPaymentEventOutcome(
  tx: Queryable,
  event: { provider: 'stripe'; eventId: string; outcome: string },
): Promise<void> {
  await tx.query('UPDATE payment_events SET outcome = $3 WHERE provider = $1 AND event_id = $2', [
    event.provider,
    event.eventId,
    event.outcome.slice(0, 200),
  ]);
}
