// Marketplace transfers in calos_identity (credit_transfers): one row per payment from one
// account to another, written in the transaction that moves the balances and appends the
// ledger entries (store/credits.ts).
import type { Queryable } from '../../platform/db/database.ts';
import type { BalanceRow } from './credits.ts';
import type { Tables } from './tables.ts';

export type TransferRow = Pick<
  Tables['credit_transfers'],
  | 'transfer_id'
  | 'from_user_id'
  | 'to_user_id'
  | 'amount'
  | 'fee'
  | 'fee_percent'
  | 'idempotency_key'
  | 'reference'
  | 'reason'
  | 'status'
  | 'from_balance_after'
  | 'to_balance_after'
  | 'refund_key'
  | 'refund_reason'
  | 'refund_from_balance'
  | 'refund_to_balance'
  | 'created_at'
  | 'refunded_at'
>;

const COLUMNS = `transfer_id, from_user_id, to_user_id, amount, fee, fee_percent, idempotency_key, reference,
  reason, status, from_balance_after, to_balance_after, refund_key, refund_reason, refund_from_balance,
  refund_to_balance, created_at, refunded_at`;

/**
 * Locks both balance rows in one order (by user id), so that two transfers in opposite
 * directions between the same accounts wait for each other instead of deadlocking.
 */
export async function lockBalancesInOrder(
  tx: Queryable,
  userIds: readonly [string, string] | readonly [string],
): Promise<Map<string, BalanceRow>> {
  const { rows } = await tx.query<BalanceRow & { user_id: string }>(
    `SELECT user_id, balance, lifetime_spent FROM credits_balance
     WHERE user_id = ANY($1::uuid[]) ORDER BY user_id FOR UPDATE`,
    [[...userIds]],
  );
  return new Map(rows.map((r) => [r.user_id, { balance: r.balance, lifetime_spent: r.lifetime_spent }]));
}

export async function insertTransfer(
  tx: Queryable,
  input: Omit<
    TransferRow,
    | 'transfer_id'
    | 'status'
    | 'refund_key'
    | 'refund_reason'
    | 'refund_from_balance'
    | 'refund_to_balance'
    | 'refunded_at'
  >,
): Promise<TransferRow> {
  const { rows } = await tx.query<TransferRow>(
    `INSERT INTO credit_transfers (from_user_id, to_user_id, amount, fee, fee_percent, idempotency_key, reference,
       reason, from_balance_after, to_balance_after, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     RETURNING ${COLUMNS}`,
    [
      input.from_user_id,
      input.to_user_id,
      input.amount,
      input.fee,
      input.fee_percent,
      input.idempotency_key,
      input.reference,
      input.reason,
      input.from_balance_after,
      input.to_balance_after,
      input.created_at,
    ],
  );
  return rows[0] as TransferRow;
}

export async function findTransferByKey(
  db: Queryable,
  fromUserId: string,
  idempotencyKey: string,
): Promise<TransferRow | undefined> {
  const { rows } = await db.query<TransferRow>(
    `SELECT ${COLUMNS} FROM credit_transfers WHERE from_user_id = $1 AND idempotency_key = $2`,
    [fromUserId, idempotencyKey],
  );
  return rows[0];
}

/** Locks a transfer until the transaction ends, so that it is refunded once. */
export async function lockTransfer(tx: Queryable, transferId: string): Promise<TransferRow | undefined> {
  const { rows } = await tx.query<TransferRow>(
    `SELECT ${COLUMNS} FROM credit_transfers WHERE transfer_id = $1 FOR UPDATE`,
    [transferId],
  );
  return rows[0];
}

export async function markTransferRefunded(
  tx: Queryable,
  input: {
    transferId: string;
    refundKey: string;
    refundReason: string;
    fromBalance: number;
    /** Null when the seller's account is erased (nobody's balance moved on that side). */
    toBalance: number | null;
    at: Date;
  },
): Promise<TransferRow> {
  const { rows } = await tx.query<TransferRow>(
    `UPDATE credit_transfers
     SET status = 'refunded', refund_key = $2, refund_reason = $3, refund_from_balance = $4,
         refund_to_balance = $5, refunded_at = $6
     WHERE transfer_id = $1 AND status = 'completed'
     RETURNING ${COLUMNS}`,
    [input.transferId, input.refundKey, input.refundReason, input.fromBalance, input.toBalance, input.at],
  );
  return rows[0] as TransferRow;
}
