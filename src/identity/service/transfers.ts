// Marketplace transfers on the shared wallet: a buyer pays a seller for an item in one
// transaction (the buyer's payment, the seller's sale and the platform fee taken from it, each a
// ledger entry), once per (buyer, idempotency key), never overdrawing the buyer; and a refund
// that reverses both sides exactly once (the buyer gets the price back, the seller gives back what
// they received, the platform its fee; once the seller's account is erased, the platform gives
// back their share too, as a marketplace does when the seller is gone). For the apps' marketplaces, through identity's client.
import { isUuid } from '../../platform/ids.ts';
import type { CreditsClient, CreditTransfer } from '../client.ts';
import type { IdentityDeps } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import { creditBalance, debitBalance, insertLedgerEntry } from '../store/credits.ts';
import {
  findTransferByKey,
  insertTransfer,
  lockBalancesInOrder,
  lockTransfer,
  markTransferRefunded,
  type TransferRow,
} from '../store/transfers.ts';
import { checkAmount, checkText, MAX_KEY_LENGTH, MAX_REASON_LENGTH } from './credit-checks.ts';

/** The platform's part of a price: rounded down, so a seller never receives less than the rate says. */
export const marketFee = (amount: number, feePercent: number) => Math.floor((amount * feePercent) / 100);

export function createTransferService(
  deps: IdentityDeps,
): Pick<CreditsClient, 'transfer' | 'refundTransfer'> {
  const { db } = deps;
  return {
    async transfer(input) {
      const amount = checkAmount('amount', input.amount, 1);
      const idempotencyKey = checkText('idempotencyKey', input.idempotencyKey, MAX_KEY_LENGTH);
      const reference = checkText('reference', input.reference, MAX_KEY_LENGTH);
      const reason = checkText('reason', input.reason, MAX_REASON_LENGTH);
      const { fromUserId, toUserId } = input;
      if (!isUuid(fromUserId) || !isUuid(toUserId)) throw IdentityErrors.userNotFound();
      if (fromUserId === toUserId) throw IdentityErrors.transferToSelf();
      const feePercent = deps.config.marketFeePercent;
      const fee = marketFee(amount, feePercent);

      /**
       * A transfer made under this key answers its retry before anything else is checked: the
       * seller's account may have been erased since (its balance gone, the transfer's payee
       * null), and a retry must learn that it was paid, not be refused as if nothing had been.
       */
      const answer = (earlier: TransferRow) => {
        if (
          (earlier.to_user_id !== null && earlier.to_user_id !== toUserId) ||
          earlier.amount !== amount ||
          earlier.reference !== reference
        )
          throw IdentityErrors.idempotencyConflict();
        return toTransfer(earlier, 'first');
      };
      const made = await findTransferByKey(db, fromUserId, idempotencyKey);
      if (made) return answer(made);

      return db.transaction(async (tx) => {
        // Both balances first, always in the same order: a concurrent call with the same key
        // waits here and then finds the first one's transfer below.
        const balances = await lockBalancesInOrder(tx, [fromUserId, toUserId]);
        const earlier = await findTransferByKey(tx, fromUserId, idempotencyKey);
        if (earlier) return answer(earlier);
        const payer = balances.get(fromUserId);
        if (!payer || !balances.has(toUserId)) throw IdentityErrors.userNotFound();
        const fromBalance = await debitBalance(tx, fromUserId, amount);
        if (fromBalance === undefined) throw IdentityErrors.insufficientCredits(payer.balance, amount);
        const afterSale = (await creditBalance(tx, toUserId, amount)) as number;
        const toBalance = fee > 0 ? ((await debitBalance(tx, toUserId, fee)) as number) : afterSale;
        const transfer = await insertTransfer(tx, {
          from_user_id: fromUserId,
          to_user_id: toUserId,
          amount,
          fee,
          fee_percent: feePercent,
          idempotency_key: idempotencyKey,
          reference,
          reason,
          from_balance_after: fromBalance,
          to_balance_after: toBalance,
          created_at: deps.now(),
        });
        const key = (part: string) => `transfer:${transfer.transfer_id}:${part}`;
        await insertLedgerEntry(tx, {
          userId: fromUserId,
          amount: -amount,
          kind: 'market_purchase',
          reason,
          idempotencyKey: key('paid'),
          balanceAfter: fromBalance,
        });
        await insertLedgerEntry(tx, {
          userId: toUserId,
          amount,
          kind: 'market_sale',
          reason,
          idempotencyKey: key('sold'),
          balanceAfter: afterSale,
        });
        if (fee > 0) {
          await insertLedgerEntry(tx, {
            userId: toUserId,
            amount: -fee,
            kind: 'market_fee',
            reason: `Platform fee (${feePercent}%): ${reason}`.slice(0, MAX_REASON_LENGTH),
            idempotencyKey: key('fee'),
            balanceAfter: toBalance,
          });
        }
        return toTransfer(transfer, 'first');
      });
    },

    async refundTransfer(input) {
      const idempotencyKey = checkText('idempotencyKey', input.idempotencyKey, MAX_KEY_LENGTH);
      const reason = checkText('reason', input.reason, MAX_REASON_LENGTH);
      if (!isUuid(input.transferId)) throw IdentityErrors.transferNotFound();
      return db.transaction(async (tx) => {
        const transfer = await lockTransfer(tx, input.transferId);
        if (!transfer) throw IdentityErrors.transferNotFound();
        if (transfer.status === 'refunded') {
          if (transfer.refund_key !== idempotencyKey) throw IdentityErrors.transferAlreadyRefunded();
          return toTransfer(transfer, 'refund');
        }
        const { from_user_id: fromUserId, to_user_id: toUserId } = transfer;
        // The buyer gets the price back. Without a buyer there is nobody to refund.
        if (!fromUserId) throw IdentityErrors.transferNotFound();
        const balances = await lockBalancesInOrder(tx, toUserId ? [fromUserId, toUserId] : [fromUserId]);
        if (!balances.has(fromUserId)) throw IdentityErrors.transferNotFound();
        // The seller's share comes back from the seller; a seller whose account is erased is gone,
        // so the platform absorbs their share (as it gives back its fee either way).
        const payee = toUserId ? balances.get(toUserId) : undefined;
        if (toUserId && !payee) throw IdentityErrors.transferNotFound();
        const received = transfer.amount - transfer.fee;
        let toBalance: number | null = payee?.balance ?? null;
        if (payee && toUserId && received > 0) {
          const after = await debitBalance(tx, toUserId, received);
          if (after === undefined) throw IdentityErrors.transferRefundRefused(payee.balance, received);
          toBalance = after;
        }
        const fromBalance = (await creditBalance(tx, fromUserId, transfer.amount)) as number;
        const key = (part: string) => `transfer:${transfer.transfer_id}:${part}`;
        const words = `Refund: ${transfer.reason}`.slice(0, MAX_REASON_LENGTH);
        await insertLedgerEntry(tx, {
          userId: fromUserId,
          amount: transfer.amount,
          kind: 'market_refund',
          reason: words,
          idempotencyKey: key('refund-paid'),
          balanceAfter: fromBalance,
        });
        if (toUserId && toBalance !== null && received > 0) {
          await insertLedgerEntry(tx, {
            userId: toUserId,
            amount: -received,
            kind: 'market_refund',
            reason: words,
            idempotencyKey: key('refund-sold'),
            balanceAfter: toBalance,
          });
        }
        const refunded = await markTransferRefunded(tx, {
          transferId: transfer.transfer_id,
          refundKey: idempotencyKey,
          refundReason: reason,
          fromBalance,
          toBalance,
          at: deps.now(),
        });
        deps.logger.info(
          {
            transferId: transfer.transfer_id,
            amount: transfer.amount,
            received,
            reason,
            absorbedByPlatform: toUserId ? transfer.fee : transfer.amount,
          },
          'a marketplace transfer was refunded',
        );
        return toTransfer(refunded, 'refund');
      });
    },
  };
}

/** The transfer as the caller sees it: balances as the transfer (or its refund) left them. */
const toTransfer = (row: TransferRow, balancesOf: 'first' | 'refund'): CreditTransfer => ({
  transferId: row.transfer_id,
  fromUserId: row.from_user_id,
  toUserId: row.to_user_id,
  amount: row.amount,
  fee: row.fee,
  feePercent: row.fee_percent,
  received: row.amount - row.fee,
  reference: row.reference,
  status: row.status,
  fromBalance: balancesOf === 'refund' ? (row.refund_from_balance ?? 0) : row.from_balance_after,
  toBalance: balancesOf === 'refund' ? (row.refund_to_balance ?? 0) : row.to_balance_after,
  createdAt: row.created_at,
  refundedAt: row.refunded_at,
});
