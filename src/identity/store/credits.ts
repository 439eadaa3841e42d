// Credits in calos_identity: the balance, its append-only ledger and the holds (reservations)
// of metered calls. Every change of a balance is written with its ledger entry in the same
// transaction, so a balance always equals the sum of its user's ledger.
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import { keysetSql, Params } from '../../platform/db/sql.ts';
import type { Tables } from './tables.ts';

/** What a new account starts with. */
export const SIGNUP_CREDITS = 1000;

export const LEDGER_KINDS = [
  'signup_grant',
  'purchase',
  'reserve',
  'release',
  'refund',
  // Charges beyond a hold, written before settling stopped at the hold; no new ones are made.
  'settle_extra',
  'admin_grant',
  // Credits an author earned when a published item reached a milestone of upvotes.
  'reward',
  // Marketplace transfers (service/transfers.ts): the buyer's payment, the seller's sale and the
  // platform's fee taken from it, and a refund of either side.
  'market_purchase',
  'market_sale',
  'market_fee',
  'market_refund',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export type BalanceRow = Pick<Tables['credits_balance'], 'balance' | 'lifetime_spent'>;

export type LedgerEntryRow = Refine<
  Pick<
    Tables['credit_ledger'],
    'entry_id' | 'amount' | 'kind' | 'reason' | 'reservation_id' | 'balance_after' | 'created_at'
  >,
  {
    kind: LedgerKind;
  }
>;

export type ReservationRow = Pick<
  Tables['credit_reservations'],
  | 'reservation_id'
  | 'user_id'
  | 'amount'
  | 'spent'
  | 'shortfall'
  | 'status'
  | 'idempotency_key'
  | 'reason'
  | 'closed_by_key'
  | 'settle_requested'
  | 'balance_at_close'
> & {
  /** Balance right after the hold was taken (from its 'reserve' ledger entry). */
  balance_at_reserve: number;
};

const LEDGER_COLUMNS = 'entry_id, amount, kind, reason, reservation_id, balance_after, created_at';
const RESERVATION_COLUMNS = `r.reservation_id, r.user_id, r.amount, r.spent, r.shortfall, r.status, r.idempotency_key,
  r.reason, r.closed_by_key, r.settle_requested, r.balance_at_close,
  (SELECT l.balance_after FROM credit_ledger l WHERE l.reservation_id = r.reservation_id AND l.kind = 'reserve')
    AS balance_at_reserve`;

/**
 * Opens a new account's credits: the balance row and the 'signup_grant' entry that explains
 * it. Called by registration inside its transaction.
 */
export async function openCreditAccount(tx: Queryable, userId: string): Promise<void> {
  await tx.query('INSERT INTO credits_balance (user_id, balance, lifetime_spent) VALUES ($1, $2, 0)', [
    userId,
    SIGNUP_CREDITS,
  ]);
  await insertLedgerEntry(tx, {
    userId,
    amount: SIGNUP_CREDITS,
    kind: 'signup_grant',
    reason: 'Welcome credits',
    idempotencyKey: 'signup',
    balanceAfter: SIGNUP_CREDITS,
  });
}

export async function readBalance(db: Queryable, userId: string): Promise<BalanceRow | undefined> {
  const { rows } = await db.query<BalanceRow>(
    'SELECT balance, lifetime_spent FROM credits_balance WHERE user_id = $1',
    [userId],
  );
  return rows[0];
}

/** Locks the balance row until the transaction ends. */
export async function lockBalance(tx: Queryable, userId: string): Promise<BalanceRow | undefined> {
  const { rows } = await tx.query<BalanceRow>(
    'SELECT balance, lifetime_spent FROM credits_balance WHERE user_id = $1 FOR UPDATE',
    [userId],
  );
  return rows[0];
}

/**
 * Takes `amount` in one atomic statement that cannot overdraw: undefined when the balance is
 * short (or the account is missing). `spent` is added to lifetime_spent.
 */
export async function debitBalance(
  tx: Queryable,
  userId: string,
  amount: number,
  spent = 0,
): Promise<number | undefined> {
  const { rows } = await tx.query<{ balance: number }>(
    `UPDATE credits_balance SET balance = balance - $2, lifetime_spent = lifetime_spent + $3
     WHERE user_id = $1 AND balance >= $2 RETURNING balance`,
    [userId, amount, spent],
  );
  return rows[0]?.balance;
}

/** Adds `amount` (and `spent` to lifetime_spent); undefined when the account is missing. */
export async function creditBalance(
  tx: Queryable,
  userId: string,
  amount: number,
  spent = 0,
): Promise<number | undefined> {
  const { rows } = await tx.query<{ balance: number }>(
    `UPDATE credits_balance SET balance = balance + $2, lifetime_spent = lifetime_spent + $3
     WHERE user_id = $1 RETURNING balance`,
    [userId, amount, spent],
  );
  return rows[0]?.balance;
}

export interface NewLedgerEntry {
  userId: string;
  amount: number;
  kind: LedgerKind;
  reason: string;
  idempotencyKey?: string;
  reservationId?: string;
  balanceAfter: number;
}

/** Appends one entry; undefined when an entry with the same idempotency key exists. */
export async function insertLedgerEntry(
  tx: Queryable,
  entry: NewLedgerEntry,
): Promise<LedgerEntryRow | undefined> {
  const { rows } = await tx.query<LedgerEntryRow>(
    `INSERT INTO credit_ledger (user_id, amount, kind, reason, idempotency_key, reservation_id, balance_after)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
     RETURNING ${LEDGER_COLUMNS}`,
    [
      entry.userId,
      entry.amount,
      entry.kind,
      entry.reason,
      entry.idempotencyKey ?? null,
      entry.reservationId ?? null,
      entry.balanceAfter,
    ],
  );
  return rows[0];
}

export async function findLedgerEntryByKey(
  db: Queryable,
  userId: string,
  idempotencyKey: string,
): Promise<LedgerEntryRow | undefined> {
  const { rows } = await db.query<LedgerEntryRow>(
    `SELECT ${LEDGER_COLUMNS} FROM credit_ledger WHERE user_id = $1 AND idempotency_key = $2`,
    [userId, idempotencyKey],
  );
  return rows[0];
}

const NEWEST_ENTRY = keysetSql('desc', [['entry_id', 'bigint']]);

/** Newest first; `before` is the entry_id to continue below. */
export async function listLedger(
  db: Queryable,
  userId: string,
  limit: number,
  before?: number,
): Promise<LedgerEntryRow[]> {
  const params = new Params([userId, limit]);
  const { rows } = await db.query<LedgerEntryRow>(
    `SELECT ${LEDGER_COLUMNS} FROM credit_ledger
     WHERE user_id = $1 ${before === undefined ? '' : `AND ${NEWEST_ENTRY.after([before], params)}`}
     ORDER BY ${NEWEST_ENTRY.orderBy} LIMIT $2`,
    params.values,
  );
  return rows;
}

export async function findLedgerEntry(
  db: Queryable,
  userId: string,
  entryId: number,
): Promise<LedgerEntryRow | undefined> {
  const { rows } = await db.query<LedgerEntryRow>(
    `SELECT ${LEDGER_COLUMNS} FROM credit_ledger WHERE user_id = $1 AND entry_id = $2`,
    [userId, entryId],
  );
  return rows[0];
}

/**
 * Creates a hold unless the user already has one under this key (then undefined). Also
 * undefined, with nothing written, when the user has no credits account.
 */
export async function insertReservation(
  tx: Queryable,
  input: { userId: string; amount: number; idempotencyKey: string; reason: string; expiresAt: Date },
): Promise<{ reservation_id: string } | undefined> {
  const { rows } = await tx.query<{ reservation_id: string }>(
    `INSERT INTO credit_reservations (user_id, amount, idempotency_key, reason, expires_at)
     SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM credits_balance WHERE user_id = $1)
     ON CONFLICT (user_id, idempotency_key) DO NOTHING
     RETURNING reservation_id`,
    [input.userId, input.amount, input.idempotencyKey, input.reason, input.expiresAt],
  );
  return rows[0];
}

export async function findReservationByKey(
  db: Queryable,
  userId: string,
  idempotencyKey: string,
): Promise<ReservationRow | undefined> {
  const { rows } = await db.query<ReservationRow>(
    `SELECT ${RESERVATION_COLUMNS} FROM credit_reservations r WHERE r.user_id = $1 AND r.idempotency_key = $2`,
    [userId, idempotencyKey],
  );
  return rows[0];
}

/** Locks a hold until the transaction ends, so that it is settled or refunded once. */
export async function lockReservation(
  tx: Queryable,
  reservationId: string,
): Promise<ReservationRow | undefined> {
  const { rows } = await tx.query<ReservationRow>(
    `SELECT ${RESERVATION_COLUMNS} FROM credit_reservations r WHERE r.reservation_id = $1 FOR UPDATE OF r`,
    [reservationId],
  );
  return rows[0];
}

export async function closeReservation(
  tx: Queryable,
  input: {
    reservationId: string;
    status: 'settled' | 'refunded';
    closedByKey: string;
    spent: number | null;
    shortfall: number;
    settleRequested: number | null;
    balanceAtClose: number;
  },
): Promise<void> {
  await tx.query(
    `UPDATE credit_reservations
     SET status = $2, closed_by_key = $3, spent = $4, shortfall = $5, settle_requested = $6, balance_at_close = $7
     WHERE reservation_id = $1 AND status = 'held'`,
    [
      input.reservationId,
      input.status,
      input.closedByKey,
      input.spent,
      input.shortfall,
      input.settleRequested,
      input.balanceAtClose,
    ],
  );
}

/** Holds still open whose end has passed by `now`, the longest expired first (their caller is gone). */
export async function expiredHoldIds(db: Queryable, now: Date, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ reservation_id: string }>(
    `SELECT reservation_id FROM credit_reservations
     WHERE status = 'held' AND expires_at <= $1 ORDER BY expires_at LIMIT $2`,
    [now, limit],
  );
  return rows.map((r) => r.reservation_id);
}
