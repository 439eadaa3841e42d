// Stripe's webhook signature (Stripe-Signature: t=<unix>,v1=<hex>), checked as Stripe's own
// libraries do and made for tests and tooling.
import { createHmac } from 'node:crypto';
import { safeEqual } from '../../platform/crypto/tokens.ts';
import { IdentityErrors } from '../errors.ts';

/** Stripe's default tolerance: a signed delivery older than this is refused (replay defence). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;
const MAX_SIGNATURE_HEADER = 4096;

/** The Stripe-Signature header for a payload, as Stripe computes it (for tests and tooling). */
export function signStripePayload(payload: string | Buffer, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${stripeSignature(payload, secret, timestamp)}`;
}

const stripeSignature = (payload: string | Buffer, secret: string, timestamp: number): string =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(payload).digest('hex');

/**
 * Checks a Stripe-Signature header (`t=<unix>,v1=<hex>[,v1=…]`) the way Stripe's libraries
 * do: an HMAC-SHA256 of "<t>.<raw body>" under the endpoint secret must match one v1
 * signature (timing-safe), and t must be at most WEBHOOK_TOLERANCE_SECONDS old.
 */
export function verifyStripeSignature(
  payload: Buffer,
  header: string | undefined,
  secret: string,
  nowSeconds: number,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): void {
  if (!header) throw IdentityErrors.webhookSignatureInvalid('the Stripe-Signature header is missing');
  if (header.length > MAX_SIGNATURE_HEADER)
    throw IdentityErrors.webhookSignatureInvalid('the Stripe-Signature header is too long');
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const item of header.split(',')) {
    const at = item.indexOf('=');
    if (at < 0) continue;
    const key = item.slice(0, at).trim();
    const value = item.slice(at + 1).trim();
    if (key === 't' && /^\d{1,15}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1') signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0)
    throw IdentityErrors.webhookSignatureInvalid(
      'no timestamp or no v1 signature in the Stripe-Signature header',
    );
  const expected = stripeSignature(payload, secret, timestamp);
  // Every candidate is compared, so the time taken does not tell which one came close.
  let matched = false;
  for (const candidate of signatures) if (safeEqual(candidate, expected)) matched = true;
  if (!matched) throw IdentityErrors.webhookSignatureInvalid('no signature matches the payload');
  if (nowSeconds - timestamp > toleranceSeconds)
    throw IdentityErrors.webhookSignatureInvalid(`the timestamp is more than ${toleranceSeconds} s old`);
}
