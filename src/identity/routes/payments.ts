// /api/payments/webhook: the payment provider (Stripe) tells us a payment or a subscription
// changed. The signature covers the raw bytes of the body, so this route alone reads JSON as
// a Buffer.
import { Type } from 'typebox';
import type { App } from '../../platform/http/service.ts';
import type { IdentityDeps } from '../deps.ts';
import { createPaymentsService } from '../service/payments.ts';
import { WEBHOOK_TOLERANCE_SECONDS } from '../service/stripe-signature.ts';
import { ErrorResponse } from './schemas.ts';

export function registerPaymentRoutes(app: App, deps: IdentityDeps): void {
  const payments = createPaymentsService(deps);

  // Encapsulated: the raw-body parser applies to this route only.
  app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    scope.post(
      '/api/payments/webhook',
      {
        schema: {
          tags: ['Payments'],
          summary: 'Payment provider webhook (Stripe)',
          description:
            'Called by Stripe, not by users. The Stripe-Signature header (t=<unix seconds>,v1=<hex HMAC-SHA256 ' +
            'of "<t>.<raw body>" under CALOS_PAYMENTS_WEBHOOK_SECRET>) must match and be at most ' +
            `${WEBHOOK_TOLERANCE_SECONDS} s old, else 400 WEBHOOK_SIGNATURE_INVALID. Handles ` +
            'checkout.session.completed and checkout.session.async_payment_succeeded (metadata user_id, credits, ' +
            'payment_id: grants the credits once per payment) and customer.subscription.created, .updated and ' +
            '.deleted (metadata user_id, plan_code). Each event id is applied once; a replay answers ' +
            'outcome "duplicate". Other event types answer 200 and change nothing.',
          headers: Type.Object({
            'stripe-signature': Type.Optional(Type.String({ maxLength: 4096 })),
          }),
          response: {
            200: Type.Object(
              {
                received: Type.Literal(true),
                event_id: Type.String(),
                outcome: Type.String({ description: 'applied, duplicate, or ignored: <why>' }),
              },
              {
                description: 'Received (applied, already applied, or not for us)',
                examples: [{ received: true, event_id: 'evt_1Q2w3E4r5T6y7U8i', outcome: 'applied' }],
              },
            ),
            400: ErrorResponse,
            503: ErrorResponse,
          },
        },
      },
      async (request) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const signature = request.headers['stripe-signature'];
        return payments.handleWebhook(body, typeof signature === 'string' ? signature : undefined);
      },
    );
  });
}
