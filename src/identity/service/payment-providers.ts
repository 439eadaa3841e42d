// The payment providers CALOS can take money through, and which of them this deployment
// offers: the dev provider (grants at once, never in production) and Stripe (its webhook).
import type { Config } from '../../platform/config.ts';
import { IdentityErrors } from '../errors.ts';
import type { PlanCode } from '../plans.ts';
import type { PaymentProviderName } from '../store/payments.ts';

export type { PaymentProviderName } from '../store/payments.ts';
export const PAYMENT_PROVIDERS = ['dev', 'stripe'] as const satisfies readonly PaymentProviderName[];

export type PaymentStart = { status: 'completed' } | { status: 'pending'; checkoutUrl: string | null };

/** What a payment provider does for CALOS. Both calls must be idempotent per payment id / request. */
export interface PaymentProvider {
  readonly name: PaymentProviderName;
  startCreditPurchase(input: {
    paymentId: string;
    userId: string;
    credits: number;
    amountCents: number;
  }): Promise<PaymentStart>;
  startPlanChange(input: { userId: string; planCode: PlanCode }): Promise<PaymentStart>;
}

/** Takes no money and says yes at once: for the embedded default, development and tests. */
export const devProvider: PaymentProvider = {
  name: 'dev',
  startCreditPurchase: async () => ({ status: 'completed' }),
  startPlanChange: async () => ({ status: 'completed' }),
};

/**
 * Stripe: the money moves on Stripe's side and its signed webhook completes the payment. A
 * Checkout Session must carry metadata user_id, credits and payment_id (plans: user_id and
 * plan_code); creating one needs a Stripe API key, which this deployment does not hold yet,
 * so the answer is pending without a checkout URL.
 */
export const stripeProvider: PaymentProvider = {
  name: 'stripe',
  startCreditPurchase: async () => ({ status: 'pending', checkoutUrl: null }),
  startPlanChange: async () => ({ status: 'pending', checkoutUrl: null }),
};

/**
 * Stripe when its webhook secret is configured, and outside production the dev provider (which
 * grants at once, so that purchases can be tried). Production never hands out free credits: with
 * no webhook secret there it has no provider at all.
 */
export function availableProviders(
  config: Pick<Config, 'paymentsWebhookSecret' | 'nodeEnv'>,
): PaymentProviderName[] {
  if (config.nodeEnv === 'production') return config.paymentsWebhookSecret ? ['stripe'] : [];
  return config.paymentsWebhookSecret ? ['stripe', 'dev'] : ['dev'];
}

export function resolveProvider(
  config: Pick<Config, 'paymentsWebhookSecret' | 'nodeEnv'>,
  requested?: PaymentProviderName,
): PaymentProvider {
  const available = availableProviders(config);
  if (available.length === 0) {
    throw IdentityErrors.paymentsNotConfigured();
  }
  const name = requested ?? (available[0] as PaymentProviderName);
  if (!available.includes(name)) throw IdentityErrors.paymentProviderUnavailable(name, available);
  return name === 'stripe' ? stripeProvider : devProvider;
}
