// Schemas the identity routes share.
import { Type } from 'typebox';
import { Timestamp } from '../../platform/http/schemas.ts';

export { ErrorResponse } from '../../platform/http/schemas.ts';

export const DeviceInput = Type.Object(
  {
    fingerprint: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    type: Type.Optional(Type.Union([Type.Literal('web'), Type.Literal('mobile'), Type.Literal('voice')])),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  {
    additionalProperties: false,
    description: 'The device signing in; omitted, a web device is derived from the User-Agent',
  },
);

export const Account = Type.Object({
  user_id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  email: Type.String(),
  display_name: Type.Union([Type.String(), Type.Null()]),
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

export const Password = Type.String({ minLength: 1, maxLength: 1024 });

export const bearer = [{ bearerAuth: [] }];
