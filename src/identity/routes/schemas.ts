// Schemas the identity routes share.
import { Type } from 'typebox';
import { PlatformErrors } from '../../platform/errors.ts';
import { Timestamp } from '../../platform/http/schemas.ts';

export { ErrorResponse } from '../../platform/http/schemas.ts';

const DeviceType = Type.Union([Type.Literal('web'), Type.Literal('mobile'), Type.Literal('voice')]);

/**
 * The device in a request, in one shape everywhere (sign-up, sign-in, pairing): flat fields named
 * as the devices list answers them. Omitted, a web device is derived from the User-Agent.
 */
export const DeviceFields = {
  device_type: Type.Optional(DeviceType),
  device_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  device_fingerprint: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 512,
      description: 'Stable id of the device, to recognise it again',
    }),
  ),
};

/** Deprecated: the nested `device` object sign-up and sign-in took before; still read. */
export const DeviceInput = Type.Object(
  {
    fingerprint: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    type: Type.Optional(DeviceType),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  {
    additionalProperties: false,
    description: 'Deprecated: send device_type, device_name and device_fingerprint instead',
    deprecated: true,
  },
);

export const Account = Type.Object({
  user_id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  email: Type.String(),
  email_verified: Type.Boolean({
    description: 'True once a link mailed to `email` was followed (at sign-up or on changing it)',
  }),
  display_name: Type.Union([Type.String(), Type.Null()]),
  locale: Type.String({ description: 'The language of the account’s mails (BCP 47), e.g. en' }),
  created_at: Timestamp,
});

export const TokenPair = Type.Object({
  access_token: Type.String({
    description: 'JWT (EdDSA) for Authorization: Bearer; valid for expires_in seconds',
  }),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  refresh_token: Type.String({ description: 'Opaque, single use: each refresh returns a new one' }),
  session_id: Type.String({ format: 'uuid' }),
  device_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
});

export const SignedIn = Type.Intersect([Type.Object({ user: Account }), TokenPair]);

/** A right password on an account with two-step verification: the code is asked next. */
export const MfaRequired = Type.Object(
  {
    mfa_required: Type.Literal(true),
    mfa_challenge: Type.String({
      description: 'Send it with the code to POST /api/auth/2fa/verify; works once, for expires_in seconds',
    }),
    expires_in: Type.Integer(),
    methods: Type.Array(Type.Union([Type.Literal('totp'), Type.Literal('recovery_code')])),
  },
  { description: 'No session yet: the sign-in finishes at POST /api/auth/2fa/verify' },
);

/** A new password, as sign-up and every password change take it. */
export const NewPassword = Type.String({ minLength: 10, maxLength: 256 });

export const Password = Type.String({ minLength: 1, maxLength: 1024 });

type DeviceBody = {
  device_type?: 'web' | 'mobile' | 'voice';
  device_name?: string;
  device_fingerprint?: string;
  device?: { type?: 'web' | 'mobile' | 'voice'; name?: string; fingerprint?: string };
};

/** The device a request names, from the flat fields or the deprecated object (not both). */
export function deviceFrom(body: DeviceBody) {
  const flat = body.device_type ?? body.device_name ?? body.device_fingerprint;
  if (body.device && flat !== undefined) {
    throw PlatformErrors.validation(
      'Send the device either as device_type/device_name/device_fingerprint or as the deprecated device object, not both',
      [{ field: 'body.device' }],
    );
  }
  if (body.device) return body.device;
  if (flat === undefined) return undefined;
  return { type: body.device_type, name: body.device_name, fingerprint: body.device_fingerprint };
}

export { bearer } from '../../platform/http/schemas.ts';
