// Paying for credits and plans through a provider: the dev provider completes at once (the
// embedded default), Stripe completes through its signed webhook. Each payment grants its
// credits exactly once, and each provider event is applied once, whatever the replays.
import type { Queryable } from '../../platform/db/database.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import type { IdentityDeps, RequestOrigin } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import { defaultConsoleUrl } from '../mail/links.ts';
import { requestMail } from '../mail/requests.ts';
import { isPlanCode } from '../plans.ts';
import { recordAudit } from '../store/audit.ts';
import { findLedgerEntryByKey } from '../store/credits.ts';
import {
  claimPaymentEvent,
  completePayment,
  findPaymentByKey,
  insertPayment,
  insertProviderPayment,
  lockPayment,
  lockPaymentByProviderId,
  type PaymentProviderName,
  type PaymentRow,
  setPaymentEventOutcome,
} from '../store/payments.ts';
import { CREDIT_PACKAGES, type CreditPackage, PURCHASE_LIMITS } from './credit-packages.ts';
import { grantCredits, isUuid, MAX_CREDIT_AMOUNT } from './credits.ts';
import { resolveProvider } from './payment-providers.ts';
import { verifyStripeSignature } from './stripe-signature.ts';
import { applyPlanChange, type PlanChangeOutcome } from './subscriptions.ts';

export type PurchaseResult =
  | { status: 'completed'; payment_id: string; credits: number; balance: number }
  | {
      status: 'pending';
      payment_id: string;
      credits: number;
      provider: PaymentProviderName;
      checkout_url: string | null;
    };

export interface PurchaseInput {
  userId: string;
  credits?: number;
  package?: CreditPackage;
  provider?: PaymentProviderName;
  idempotencyKey: string;
  origin?: RequestOrigin;
  /** The account console as the buyer reaches it, for the receipt's links. */
  consoleUrl?: string;
}

export interface WebhookResult {
  received: true;
  event_id: string;
  /** 'applied', 'duplicate', or 'ignored: <why>'. */
  outcome: string;
}

export interface PaymentsService {
  /** Buys credits; a retry under the same Idempotency-Key answers the first purchase. */
  purchaseCredits(input: PurchaseInput): Promise<PurchaseResult>;
  /** Verifies and applies one provider webhook delivery. */
  handleWebhook(rawBody: Buffer, signatureHeader: string | undefined): Promise<WebhookResult>;
}

export function createPaymentsService(deps: IdentityDeps): PaymentsService {
  const { db } = deps;
  /** A receipt mail (optional: people may turn receipts off). */
  const receiptFor =
    (consoleUrl = defaultConsoleUrl(deps.config)): Receipt =>
    (tx, granted) =>
      requestMail(tx, deps, {
        app: 'calos',
        kind: 'receipt',
        userId: granted.userId,
        consoleUrl,
        data: {
          what: 'credits',
          credits: granted.credits,
          balance: granted.balance,
          reference: granted.paymentId,
          at: deps.now().toISOString(),
        },
      });

  return {
    async purchaseCredits(input) {
      const provider = resolveProvider(deps.config, input.provider);
      const { credits, amountCents } = priceOf(input);
      const { userId, idempotencyKey } = input;
      const payment = await db.transaction(async (tx) => {
        const created = await insertPayment(tx, {
          userId,
          provider: provider.name,
          credits,
          amountCents,
          idempotencyKey,
        });
        if (created) return created;
        const existing = await findPaymentByKey(tx, userId, idempotencyKey);
        if (!existing) throw new Error('a payment key conflicted with no payment');
        if (existing.credits !== credits || existing.provider !== provider.name)
          throw IdentityErrors.idempotencyConflict();
        return existing;
      });

      if (payment.status === 'pending') {
        // Providers are idempotent per payment id, so a retry of a purchase that was left
        // pending (a crash, a timeout) asks again rather than starting a second payment.
        const started = await provider.startCreditPurchase({
          paymentId: payment.payment_id,
          userId,
          credits,
          amountCents,
        });
        if (started.status === 'pending') {
          return {
            status: 'pending',
            payment_id: payment.payment_id,
            credits,
            provider: provider.name,
            checkout_url: started.checkoutUrl,
          };
        }
        await db.transaction((tx) =>
          completeAndGrant(
            tx,
            payment.payment_id,
            null,
            deps.now(),
            input.origin ?? {},
            receiptFor(input.consoleUrl),
          ),
        );
      }
      const entry = await findLedgerEntryByKey(db, userId, grantKey(payment.payment_id));
      if (!entry) throw new Error(`completed payment ${payment.payment_id} has no ledger entry`);
      return { status: 'completed', payment_id: payment.payment_id, credits, balance: entry.balance_after };
    },

    async handleWebhook(rawBody, signatureHeader) {
      const secret = deps.config.paymentsWebhookSecret;
      if (!secret) throw IdentityErrors.paymentsWebhookNotConfigured();
      verifyStripeSignature(rawBody, signatureHeader, secret, Math.floor(deps.now().getTime() / 1000));
      const event = parseEvent(rawBody);
      const apply = prepareEvent(event, receiptFor());
      if (!apply) return { received: true, event_id: event.id, outcome: 'ignored: unhandled event type' };

      const result = await db.transaction(async (tx) => {
        const eventRef = { provider: 'stripe' as const, eventId: event.id };
        if (!(await claimPaymentEvent(tx, { ...eventRef, eventType: event.type }))) return 'duplicate';
        const outcome = await apply(tx, deps.now());
        await setPaymentEventOutcome(tx, { ...eventRef, outcome });
        return outcome;
      });
      if (result.startsWith('ignored'))
        deps.logger.info({ eventId: event.id, type: event.type, result }, 'webhook event ignored');
      return { received: true, event_id: event.id, outcome: result };
    },
  };
}

const grantKey = (paymentId: string) => `payment:${paymentId}`;

function priceOf(input: Pick<PurchaseInput, 'credits' | 'package'>): {
  credits: number;
  amountCents: number;
} {
  if (input.package !== undefined && input.credits !== undefined)
    throw invalidPurchase('send either credits or package, not both');
  if (input.package !== undefined) {
    const offer = CREDIT_PACKAGES[input.package];
    if (!offer) throw invalidPurchase(`package must be one of ${Object.keys(CREDIT_PACKAGES).join(', ')}`);
    return { credits: offer.credits, amountCents: offer.priceCents };
  }
  const credits = input.credits;
  if (
    credits === undefined ||
    !Number.isInteger(credits) ||
    credits < PURCHASE_LIMITS.min ||
    credits > PURCHASE_LIMITS.max
  )
    throw invalidPurchase(
      `credits must be a whole number from ${PURCHASE_LIMITS.min} to ${PURCHASE_LIMITS.max}`,
    );
  return { credits, amountCents: credits };
}

const invalidPurchase = (message: string) => PlatformErrors.validation(message, [{ field: 'body', message }]);

type Receipt = (
  tx: Queryable,
  granted: { userId: string; paymentId: string; credits: number; balance: number },
) => Promise<void>;

/** Completes a pending payment and grants its credits, once (with one receipt). */
async function completeAndGrant(
  tx: Queryable,
  paymentId: string,
  providerPaymentId: string | null,
  at: Date,
  origin: RequestOrigin,
  receipt: Receipt,
): Promise<'applied' | 'ignored: payment already credited' | 'ignored: unknown user'> {
  const paid = await completePayment(tx, paymentId, providerPaymentId, at);
  if (!paid) return 'ignored: payment already credited';
  const grant = await grantCredits(tx, {
    userId: paid.user_id,
    amount: paid.credits,
    kind: 'purchase',
    reason: `Purchase of ${paid.credits} credits (${paid.provider})`,
    idempotencyKey: grantKey(paid.payment_id),
  });
  if (!grant) return 'ignored: unknown user';
  if (!grant.duplicate) {
    await recordAudit(tx, paid.user_id, 'credits.purchased', origin, {
      payment_id: paid.payment_id,
      credits: paid.credits,
      provider: paid.provider,
      balance: grant.balance,
    });
    await receipt(tx, {
      userId: paid.user_id,
      paymentId: paid.payment_id,
      credits: paid.credits,
      balance: grant.balance,
    });
  }
  return 'applied';
}

// --- Stripe events ---------------------------------------------------------------------

interface StripeEvent {
  id: string;
  type: string;
  created: number;
  object: Record<string, unknown>;
}

function parseEvent(rawBody: Buffer): StripeEvent {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw IdentityErrors.webhookEventInvalid('the body is not JSON');
  }
  const event = body as { id?: unknown; type?: unknown; created?: unknown; data?: { object?: unknown } };
  if (
    !isObject(event) ||
    !isText(event.id, 255) ||
    !isText(event.type, 100) ||
    !Number.isSafeInteger(event.created) ||
    !isObject(event.data) ||
    !isObject(event.data?.object)
  )
    throw IdentityErrors.webhookEventInvalid('an event needs id, type, created and data.object');
  return {
    id: event.id as string,
    type: event.type as string,
    created: event.created as number,
    object: event.data?.object as Record<string, unknown>,
  };
}

/** Checks an event's data before any write and returns how to apply it (undefined: not ours). */
function prepareEvent(
  event: StripeEvent,
  receipt: Receipt,
): ((tx: Queryable, at: Date) => Promise<string>) | undefined {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const checkout = parseCheckout(event);
      return (tx, at) => applyCheckout(tx, checkout, receipt, at);
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const subscription = parseSubscription(event);
      if (typeof subscription === 'string') return async () => subscription;
      return async (tx, at) => outcomeText(await applyPlanChange(tx, subscription, at, {}));
    }
    default:
      return undefined;
  }
}

const outcomeText = (outcome: PlanChangeOutcome): string =>
  outcome === 'applied' ? outcome : `ignored: ${outcome}`;

interface Checkout {
  sessionId: string;
  userId: string;
  credits: number;
  paymentId: string | undefined;
  amountCents: number;
  isPaid: boolean;
}

function parseCheckout(event: StripeEvent): Checkout {
  const { object } = event;
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const userId = metadata.user_id;
  const credits = Number(metadata.credits);
  const paymentId = metadata.payment_id;
  if (!isText(object.id, 255)) throw IdentityErrors.webhookEventInvalid('data.object.id is missing');
  if (!isText(userId, 36) || !isUuid(userId))
    throw IdentityErrors.webhookEventInvalid('metadata.user_id must be a user id');
  if (!Number.isInteger(credits) || credits < 1 || credits > MAX_CREDIT_AMOUNT)
    throw IdentityErrors.webhookEventInvalid(
      `metadata.credits must be a whole number from 1 to ${MAX_CREDIT_AMOUNT}`,
    );
  if (paymentId !== undefined && (!isText(paymentId, 36) || !isUuid(paymentId)))
    throw IdentityErrors.webhookEventInvalid('metadata.payment_id must be a payment id');
  const amountTotal = Number(object.amount_total ?? 0);
  return {
    sessionId: object.id,
    userId,
    credits,
    paymentId,
    amountCents: Number.isSafeInteger(amountTotal) && amountTotal >= 0 ? amountTotal : 0,
    // A session paid by a delayed method completes unpaid; its async_payment_succeeded event pays.
    isPaid:
      event.type === 'checkout.session.async_payment_succeeded' ||
      object.payment_status === undefined ||
      object.payment_status === 'paid' ||
      object.payment_status === 'no_payment_required',
  };
}

async function applyCheckout(tx: Queryable, checkout: Checkout, receipt: Receipt, at: Date): Promise<string> {
  if (!checkout.isPaid) return 'ignored: not paid yet';
  let payment: PaymentRow | undefined;
  const bySession = await lockPaymentByProviderId(tx, 'stripe', checkout.sessionId);
  if (checkout.paymentId) {
    payment = await lockPayment(tx, checkout.paymentId);
    if (!payment || payment.user_id !== checkout.userId) return 'ignored: no such payment of this user';
    if (payment.provider !== 'stripe') return 'ignored: not a stripe payment';
    if (bySession && bySession.payment_id !== payment.payment_id)
      return 'ignored: this checkout session paid another payment';
    if (payment.credits !== checkout.credits) return 'ignored: metadata.credits differs from the payment';
  } else {
    if (!bySession) {
      await insertProviderPayment(tx, {
        userId: checkout.userId,
        provider: 'stripe',
        providerPaymentId: checkout.sessionId,
        credits: checkout.credits,
        amountCents: checkout.amountCents,
      });
    }
    payment = bySession ?? (await lockPaymentByProviderId(tx, 'stripe', checkout.sessionId));
    if (!payment) return 'ignored: unknown user';
    if (payment.user_id !== checkout.userId) return 'ignored: this checkout session paid another user';
  }
  return completeAndGrant(tx, payment.payment_id, checkout.sessionId, at, {}, receipt);
}

/** Stripe's subscription statuses, as CALOS keeps them. */
const SUBSCRIPTION_STATUS: Record<string, 'active' | 'past_due' | 'canceled'> = {
  active: 'active',
  trialing: 'active',
  past_due: 'past_due',
  unpaid: 'past_due',
  canceled: 'canceled',
  incomplete_expired: 'canceled',
};

function parseSubscription(event: StripeEvent) {
  const { object } = event;
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const userId = metadata.user_id;
  const planCode = metadata.plan_code;
  if (!isText(object.id, 255)) throw IdentityErrors.webhookEventInvalid('data.object.id is missing');
  if (!isText(userId, 36) || !isUuid(userId))
    throw IdentityErrors.webhookEventInvalid('metadata.user_id must be a user id');
  if (!isPlanCode(planCode))
    throw IdentityErrors.webhookEventInvalid('metadata.plan_code must be free, pro, family or enterprise');
  const status =
    event.type === 'customer.subscription.deleted' ? 'canceled' : SUBSCRIPTION_STATUS[String(object.status)];
  if (!status) return `ignored: status ${String(object.status).slice(0, 40)}`;
  // Newer Stripe API versions carry the period on the subscription's items.
  const items = isObject(object.items) && Array.isArray(object.items.data) ? object.items.data : [];
  const periodEnd =
    object.current_period_end ?? (isObject(items[0]) ? items[0].current_period_end : undefined);
  if (periodEnd !== undefined && periodEnd !== null && !Number.isSafeInteger(periodEnd))
    throw IdentityErrors.webhookEventInvalid('current_period_end must be unix seconds');
  return {
    userId,
    planCode,
    status,
    currentPeriodEnd: typeof periodEnd === 'number' ? new Date(periodEnd * 1000) : null,
    provider: 'stripe' as const,
    providerRef: object.id,
    providerEventAt: new Date(event.created * 1000),
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isText = (value: unknown, maxLength: number): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= maxLength;
