// /calos/internal/rpc: the identity client over HTTP, for services that run in another process
// (`calos serve hollowtown`). Only callers holding CALOS_SERVICE_TOKEN get in; the route is
// absent when no token is configured, and hidden from the public API documentation.
import { Type } from 'typebox';
import { safeEqual } from '../../platform/crypto/tokens.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/service.ts';
import type { IdentityClient } from '../client.ts';

/** Every method the client offers, as 'area.method' for nested clients. */
export const RPC_METHODS = [
  'jwks',
  'findUser',
  'existingUserIds',
  'planOf',
  'credits.balance',
  'credits.reserve',
  'credits.settle',
  'credits.refund',
  'apiKeys.activeKey',
  'outbox.pull',
  'outbox.ack',
  'ai.preferences',
  'ai.setPreferences',
  'ai.recordUsage',
  'ai.usage',
  'revocations.recent',
  'revocations.after',
] as const;
export type RpcMethod = (typeof RPC_METHODS)[number];

/** Values JSON cannot carry as they are. */
const toWire = (value: unknown): unknown => (value instanceof Set ? { $set: [...value] } : value);

export function registerInternalRoutes(app: App, client: IdentityClient, serviceToken: string | undefined) {
  if (!serviceToken) return;
  app.post(
    '/internal/rpc',
    {
      schema: {
        hide: true,
        body: Type.Object(
          {
            method: Type.Unsafe<RpcMethod>({ type: 'string', enum: [...RPC_METHODS] }),
            args: Type.Array(Type.Unknown(), { maxItems: 4 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const presented = request.headers['x-calos-service-token'];
      if (typeof presented !== 'string' || !safeEqual(presented, serviceToken)) {
        throw new AppError(401, 'SERVICE_TOKEN_INVALID', 'This endpoint is for CALOS services only');
      }
      const [area, name] = request.body.method.split('.') as [string, string | undefined];
      const target = (
        name ? (client as unknown as Record<string, Record<string, unknown>>)[area] : client
      ) as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const method = target[name ?? area] as (...args: unknown[]) => Promise<unknown>;
      const result = await method.apply(target, request.body.args);
      return { result: toWire(result) ?? null };
    },
  );
}
