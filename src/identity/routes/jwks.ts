// /.well-known/jwks.json: the public keys every service verifies access tokens with.
import { Type } from 'typebox';
import type { App } from '../../platform/http/service.ts';
import type { TokenIssuer } from '../service/tokens.ts';

export function registerJwksRoute(app: App, tokens: TokenIssuer) {
  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['auth'],
        summary: 'Public signing keys (JWKS) for verifying CALOS access tokens',
        response: { 200: Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown())) }) },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return tokens.jwks();
    },
  );
}
