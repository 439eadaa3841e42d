// Credits rules: balances that never go negative, holds for metered calls (reserve, then
// settle or refund; a settle never charges more than the hold, and a hold nobody closes returns
// by itself once it expires), and grants, each idempotent under a key. A retry with the same key and
// the same request answers what the first call answered and changes nothing; the same key
// with a different request is 409 IDEMPOTENCY_KEY_REUSED.

import type { Queryable } from '../../platform/db/database.ts';
import { keyset } from '../../platform/http/pagination.ts';
import { isUuid } from '../../platform/ids.ts';
import type { CreditReservation, CreditsClient } from '../client.ts';
import type { IdentityDeps } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import {
  closeReservation,
  creditBalance,
  debitBalance,
  findLedgerEntry,
  findLedgerEntryByKey,
  findReservationByKey,
  insertLedgerEntry,
  insertReservation,
  type LedgerEntryRow,
  type LedgerKind,
  listLedger,
  lockBalance,
  lockReservation,
  type ReservationRow,
  readBalance,
} from '../store/credits.ts';
import {
  checkAmount,
  checkText,
  MAX_CREDIT_AMOUNT,
  MAX_KEY_LENGTH,
  MAX_REASON_LENGTH,
} from './credit-checks.ts';
import { createTransferService } from './transfers.ts';

export { checkAmount, checkText, MAX_CREDIT_AMOUNT, MAX_KEY_LENGTH, MAX_REASON_LENGTH };

/** The most credits one operation may move. */
/**
 * How long a hold lasts unless settled or refunded: longer than any metered call can take (the
 * gateway gives up on an upstream within minutes). After that, housekeeping returns it.
 */
export const HOLD_LIFETIME_MS = 60 * 60_000;

export interface LedgerItem {
  entry_id: number;
  amount: number;
  kind: LedgerKind;
  reason: string;
  balance_after: number;
  created_at: Date;
}

export interface LedgerPage {
  items: LedgerItem[];
  next_cursor: string | null;
}

export interface CreditsService extends CreditsClient {
  ledger(userId: string, query: { limit: number; cursor?: string }): Promise<LedgerPage>;
  ledgerEntry(userId: string, entryId: number): Promise<LedgerItem>;
}

export function createCreditsService(deps: IdentityDeps): CreditsService {
  const { db } = deps;

  return {
    ...createTransferService(deps),

    async balance(userId) {
      const row = isUuid(userId) ? await readBalance(db, userId) : undefined;
      if (!row) throw IdentityErrors.userNotFound();
      return { balance: row.balance, lifetimeSpent: row.lifetime_spent };
    },

    async reserve(input) {
      const amount = checkAmount('amount', input.amount, 1);
      const idempotencyKey = checkText('idempotencyKey', input.idempotencyKey, MAX_KEY_LENGTH);
      const reason = checkText('reason', input.reason, MAX_REASON_LENGTH);
      const { userId } = input;
      if (!isUuid(userId)) throw IdentityErrors.userNotFound();
      return db.transaction(async (tx) => {
        // The hold row first: a concurrent call with the same key waits here for the first
        // one's outcome instead of taking a second hold.
        const expiresAt = new Date(deps.now().getTime() + HOLD_LIFETIME_MS);
        const created = await insertReservation(tx, { userId, amount, idempotencyKey, reason, expiresAt });
        if (!created) {
          const existing = await findReservationByKey(tx, userId, idempotencyKey);
          if (!existing) throw IdentityErrors.userNotFound();
          if (existing.amount !== amount || existing.reason !== reason)
            throw IdentityErrors.idempotencyConflict();
          return {
            reservationId: existing.reservation_id,
            userId,
            amount,
            spent: null,
            status: 'held',
            balance: existing.balance_at_reserve,
          };
        }
        // One atomic statement: two concurrent holds cannot both pass the balance check.
        const balance = await debitBalance(tx, userId, amount);
        if (balance === undefined) {
          const current = await readBalance(tx, userId);
          throw IdentityErrors.insufficientCredits(current?.balance ?? 0, amount);
        }
        await insertLedgerEntry(tx, {
          userId,
          amount: -amount,
          kind: 'reserve',
          reason,
          reservationId: created.reservation_id,
          balanceAfter: balance,
        });
        return {
          reservationId: created.reservation_id,
          userId,
          amount,
          spent: null,
          status: 'held',
          balance,
        } satisfies CreditReservation;
      });
    },

    async settle(input) {
      const amount = checkAmount('amount', input.amount, 0);
      const idempotencyKey = checkText('idempotencyKey', input.idempotencyKey, MAX_KEY_LENGTH);
      if (!isUuid(input.reservationId)) throw IdentityErrors.reservationNotFound();
      return db.transaction(async (tx) => {
        const hold = await lockReservation(tx, input.reservationId);
        if (!hold) throw IdentityErrors.reservationNotFound();
        if (hold.status !== 'held') {
          if (hold.closed_by_key !== idempotencyKey) throw IdentityErrors.reservationClosed(hold.status);
          if (hold.status !== 'settled' || hold.settle_requested !== amount)
            throw IdentityErrors.idempotencyConflict();
          return closedResult(hold);
        }

        // Never more than the hold: the hold was the call's worst case, so a settle beyond it
        // means the caller mis-sized it. What it asked beyond is recorded, not charged.
        const spent = Math.min(amount, hold.amount);
        const shortfall = amount - spent;
        const rest = hold.amount - spent;
        const balance = await creditBalance(tx, hold.user_id, rest, spent);
        if (balance === undefined) throw IdentityErrors.reservationNotFound();
        if (rest > 0) {
          await insertLedgerEntry(tx, {
            userId: hold.user_id,
            amount: rest,
            kind: 'release',
            reason: `Unused part of: ${hold.reason}`.slice(0, MAX_REASON_LENGTH),
            reservationId: hold.reservation_id,
            balanceAfter: balance,
          });
        }
        if (shortfall > 0) {
          deps.logger.warn(
            { reservationId: hold.reservation_id, userId: hold.user_id, shortfall },
            'a settle asked for more than its hold; only the hold was charged',
          );
        }
        await closeReservation(tx, {
          reservationId: hold.reservation_id,
          status: 'settled',
          closedByKey: idempotencyKey,
          spent,
          shortfall,
          settleRequested: amount,
          balanceAtClose: balance,
        });
        return {
          reservationId: hold.reservation_id,
          userId: hold.user_id,
          amount: hold.amount,
          spent,
          status: 'settled',
          balance,
        } satisfies CreditReservation;
      });
    },

    async refund(input) {
      const idempotencyKey = checkText('idempotencyKey', input.idempotencyKey, MAX_KEY_LENGTH);
      if (!isUuid(input.reservationId)) throw IdentityErrors.reservationNotFound();
      return db.transaction(async (tx) => {
        const hold = await lockReservation(tx, input.reservationId);
        if (!hold) throw IdentityErrors.reservationNotFound();
        if (hold.status !== 'held') {
          if (hold.closed_by_key !== idempotencyKey) throw IdentityErrors.reservationClosed(hold.status);
          if (hold.status !== 'refunded') throw IdentityErrors.idempotencyConflict();
          return closedResult(hold);
        }
        const balance = await creditBalance(tx, hold.user_id, hold.amount);
        if (balance === undefined) throw IdentityErrors.reservationNotFound();
        await insertLedgerEntry(tx, {
          userId: hold.user_id,
          amount: hold.amount,
          kind: 'refund',
          reason: `Refund of: ${hold.reason}`.slice(0, MAX_REASON_LENGTH),
          reservationId: hold.reservation_id,
          balanceAfter: balance,
        });
        await closeReservation(tx, {
          reservationId: hold.reservation_id,
          status: 'refunded',
          closedByKey: idempotencyKey,
          spent: null,
          shortfall: 0,
          settleRequested: null,
          balanceAtClose: balance,
        });
        return {
          reservationId: hold.reservation_id,
          userId: hold.user_id,
          amount: hold.amount,
          spent: null,
          status: 'refunded',
          balance,
        } satisfies CreditReservation;
      });
    },

    async ledger(userId, query) {
      const after = LEDGER.decode(query.cursor);
      const rows = await listLedger(db, userId, query.limit + 1, after?.id);
      return LEDGER.page(rows, query.limit, toLedgerItem, (row) => ({ id: row.entry_id }));
    },

    async ledgerEntry(userId, entryId) {
      const row = Number.isSafeInteger(entryId) ? await findLedgerEntry(db, userId, entryId) : undefined;
      if (!row) throw IdentityErrors.ledgerEntryNotFound();
      return toLedgerItem(row);
    },
  };
}

/** Only the CreditsClient part, for other services (the AI gateway, the apps). */
export function createCreditsClient(deps: IdentityDeps): CreditsClient {
  const service = createCreditsService(deps);
  return {
    balance: (userId) => service.balance(userId),
    reserve: (input) => service.reserve(input),
    settle: (input) => service.settle(input),
    refund: (input) => service.refund(input),
    transfer: (input) => service.transfer(input),
    refundTransfer: (input) => service.refundTransfer(input),
  };
}

export interface Grant {
  userId: string;
  amount: number;
  kind: Extract<LedgerKind, 'purchase' | 'admin_grant' | 'reward'>;
  reason: string;
  /** Namespaced by the caller, e.g. `payment:<payment id>`; one grant per key. */
  idempotencyKey: string;
}

/**
 * Adds credits inside the caller's transaction, once per key: a second call with the same
 * key changes nothing and answers the first grant's balance. Undefined when the account is gone.
 */
export async function grantCredits(
  tx: Queryable,
  grant: Grant,
): Promise<{ balance: number; entryId: number; duplicate: boolean } | undefined> {
  checkAmount('amount', grant.amount, 1);
  // Lock first so that the existence check and the grant see the same balance row.
  const current = await lockBalance(tx, grant.userId);
  if (!current) return undefined;
  const earlier = await findLedgerEntryByKey(tx, grant.userId, grant.idempotencyKey);
  if (earlier) return { balance: earlier.balance_after, entryId: earlier.entry_id, duplicate: true };
  const balance = await creditBalance(tx, grant.userId, grant.amount);
  if (balance === undefined) return undefined;
  const entry = await insertLedgerEntry(tx, {
    userId: grant.userId,
    amount: grant.amount,
    kind: grant.kind,
    reason: grant.reason.slice(0, MAX_REASON_LENGTH),
    idempotencyKey: grant.idempotencyKey,
    balanceAfter: balance,
  });
  if (!entry) throw new Error('a ledger key was taken under the balance lock');
  return { balance, entryId: entry.entry_id, duplicate: false };
}

const closedResult = (hold: ReservationRow): CreditReservation => ({
  reservationId: hold.reservation_id,
  userId: hold.user_id,
  amount: hold.amount,
  spent: hold.spent,
  status: hold.status,
  balance: hold.balance_at_close ?? 0,
});

const toLedgerItem = (row: LedgerEntryRow): LedgerItem => ({
  entry_id: row.entry_id,
  amount: row.amount,
  kind: row.kind,
  reason: row.reason,
  balance_after: row.balance_after,
  created_at: row.created_at,
});

/** Newest first, by entry id. */
const LEDGER = keyset('identity.credits.ledger', { id: 'bigint' });

export { isUuid };
