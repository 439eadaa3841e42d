// The Idempotency-Key of a change a client may send again (an offline outbox resending after a
// lost answer, a purchase retried): its header schema, its form, and the fingerprint of the
// request it was first used with, so the same key with another request is told apart.
import { createHash } from 'node:crypto';
import { Type } from 'typebox';

/** 1 to 200 visible ASCII characters, as the IETF draft's examples and Stripe's keys are. */
const KEY_FORM = /^[\x21-\x7e]{1,200}$/;

/** The header, optional in the schema so a missing key is the service's own 400 with its code. */
export const IdempotencyHeaders = Type.Object(
  {
    'idempotency-key': Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          'Required: 1 to 200 visible characters. A retry with the same key applies the change once',
        examples: ['5f1c2d9e-8b7a-4c3e-9d21-0a6b4e2f7c11'],
      }),
    ),
  },
  // The other headers of the request.
  { additionalProperties: true },
);

export const isIdempotencyKey = (key: string | undefined): key is string =>
  key !== undefined && KEY_FORM.test(key);

/** A fingerprint of what a key was first used for. */
export const requestHash = (request: unknown): string =>
  createHash('sha256').update(JSON.stringify(request)).digest('hex');
