import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.ts';
import { AppError } from '../../platform/errors.ts';
import { availableProviders, resolveProvider } from './payment-providers.ts';
import { signStripePayload, verifyStripeSignature, WEBHOOK_TOLERANCE_SECONDS } from './stripe-signature.ts';

const secret = 'whsec_test_0123456789abcdef';
const payload = Buffer.from('{"id":"evt_1","type":"checkout.session.completed"}');
const now = 1_760_000_000;

function refusal(header: string | undefined, body = payload, at = now): AppError {
  try {
    verifyStripeSignature(body, header, secret, at);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the signature to be refused');
}

describe('Stripe webhook signatures', () => {
  it('accepts the HMAC-SHA256 of "<t>.<raw body>" that Stripe sends', () => {
    // Computed independently of signStripePayload, the way Stripe documents it.
    const v1 = createHmac('sha256', secret).update(`${now}.${payload.toString()}`).digest('hex');
    expect(() => verifyStripeSignature(payload, `t=${now},v1=${v1}`, secret, now)).not.toThrow();
    expect(signStripePayload(payload, secret, now)).toBe(`t=${now},v1=${v1}`);
  });

  it('accepts a header with several signatures (during a secret roll) when one matches', () => {
    const good = signStripePayload(payload, secret, now).split(',')[1];
    const header = `t=${now},v1=${'0'.repeat(64)},${good},v0=${'f'.repeat(64)}`;
    expect(() => verifyStripeSignature(payload, header, secret, now)).not.toThrow();
  });

  it('accepts a delivery up to the tolerance old, and refuses an older one', () => {
    const header = signStripePayload(payload, secret, now - WEBHOOK_TOLERANCE_SECONDS);
    expect(() => verifyStripeSignature(payload, header, secret, now)).not.toThrow();
    const stale = signStripePayload(payload, secret, now - WEBHOOK_TOLERANCE_SECONDS - 1);
    expect(refusal(stale)).toMatchObject({ status: 400, code: 'WEBHOOK_SIGNATURE_INVALID' });
    expect(refusal(stale).message).toContain('old');
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['no timestamp', `v1=${'a'.repeat(64)}`],
    ['no v1 signature', `t=${now},v0=${'a'.repeat(64)}`],
    ['a signature with another secret', signStripePayload(payload, 'whsec_another_secret_000', now)],
    [
      'a signature of another timestamp',
      signStripePayload(payload, secret, now - 1).replace(`t=${now - 1}`, `t=${now}`),
    ],
    ['a truncated signature', signStripePayload(payload, secret, now).slice(0, -2)],
    ['an oversized header', `t=${now},v1=${'a'.repeat(5000)}`],
  ])('refuses %s', (_, header) => {
    expect(refusal(header)).toMatchObject({ status: 400, code: 'WEBHOOK_SIGNATURE_INVALID' });
  });

  it('refuses a body changed after signing, even by one byte', () => {
    const header = signStripePayload(payload, secret, now);
    const changed = Buffer.from(payload.toString().replace('evt_1', 'evt_2'));
    expect(refusal(header, changed).code).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(refusal(header, Buffer.concat([payload, Buffer.from(' ')])).code).toBe(
      'WEBHOOK_SIGNATURE_INVALID',
    );
  });
});

describe('payment providers', () => {
  it('offers only the dev provider until the webhook secret is configured, and none in production', () => {
    expect(availableProviders({ paymentsWebhookSecret: undefined, nodeEnv: 'development' })).toEqual(['dev']);
    expect(availableProviders({ paymentsWebhookSecret: undefined, nodeEnv: 'production' })).toEqual([]);
    expect(() => resolveProvider({ paymentsWebhookSecret: undefined, nodeEnv: 'production' })).toThrow(
      expect.objectContaining({ code: 'PAYMENTS_NOT_CONFIGURED', status: 503 }),
    );
    expect(resolveProvider({ paymentsWebhookSecret: undefined, nodeEnv: 'development' }).name).toBe('dev');
    expect(() =>
      resolveProvider({ paymentsWebhookSecret: undefined, nodeEnv: 'development' }, 'stripe'),
    ).toThrow(expect.objectContaining({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' }));
  });

  it('defaults to Stripe once configured, and never grants free credits in production then', () => {
    expect(resolveProvider({ paymentsWebhookSecret: secret, nodeEnv: 'development' }).name).toBe('stripe');
    expect(resolveProvider({ paymentsWebhookSecret: secret, nodeEnv: 'development' }, 'dev').name).toBe(
      'dev',
    );
    expect(availableProviders({ paymentsWebhookSecret: secret, nodeEnv: 'production' })).toEqual(['stripe']);
    expect(() => resolveProvider({ paymentsWebhookSecret: secret, nodeEnv: 'production' }, 'dev')).toThrow(
      expect.objectContaining({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', status: 400 }),
    );
  });
});

describe('the webhook secret setting', () => {
  it('reads CALOS_PAYMENTS_WEBHOOK_SECRET and refuses one shorter than 16 characters, naming it', () => {
    expect(loadConfig({ CALOS_PAYMENTS_WEBHOOK_SECRET: secret }).paymentsWebhookSecret).toBe(secret);
    expect(loadConfig({}).paymentsWebhookSecret).toBeUndefined();
    expect(() => loadConfig({ CALOS_PAYMENTS_WEBHOOK_SECRET: 'whsec_short' })).toThrow(
      /CALOS_PAYMENTS_WEBHOOK_SECRET must be at least 16 characters/,
    );
  });
});
