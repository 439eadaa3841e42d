// The identity client for a service in another process: every call is one POST to identity's
// /calos/internal/rpc with the shared service token. Errors come back as the AppErrors they were.
import { request } from 'undici';
import { AppError } from '../platform/errors.ts';
import type { IdentityClient, OutboxEvent } from './client.ts';
import type { RpcMethod } from './routes/internal.ts';

export function createIdentityHttpClient(identityUrl: string, serviceToken: string): IdentityClient {
  const url = `${identityUrl.replace(/\/+$/, '')}/calos/internal/rpc`;
  const call = async <T>(method: RpcMethod, ...args: unknown[]): Promise<T> => {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-calos-service-token': serviceToken },
      body: JSON.stringify({ method, args }),
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const body = (await response.body.json()) as {
      result?: unknown;
      error?: { code: string; message: string; details?: unknown };
    };
    if (response.statusCode >= 400 || body.error) {
      const error = body.error ?? {
        code: 'IDENTITY_UNAVAILABLE',
        message: `identity answered ${response.statusCode}`,
      };
      throw new AppError(response.statusCode, error.code, error.message, error.details);
    }
    const result = body.result as { $set?: unknown[] } | null;
    return (
      result && typeof result === 'object' && Array.isArray(result.$set) ? new Set(result.$set) : result
    ) as T;
  };
  return {
    jwks: () => call('jwks'),
    findUser: (query) => call('findUser', query),
    existingUserIds: (ids) => call('existingUserIds', ids),
    planOf: (userId) => call('planOf', userId),
    credits: {
      balance: (userId) => call('credits.balance', userId),
      reserve: (input) => call('credits.reserve', input),
      settle: (input) => call('credits.settle', input),
      refund: (input) => call('credits.refund', input),
    },
    apiKeys: { activeKey: (userId, provider) => call('apiKeys.activeKey', userId, provider) },
    outbox: {
      pull: async (consumer, limit) =>
        (await call<OutboxEvent[]>('outbox.pull', consumer, limit)).map((e) => ({
          ...e,
          createdAt: new Date(e.createdAt),
        })),
      ack: (consumer, eventId) => call('outbox.ack', consumer, eventId),
    },
    revocations: {
      recent: () => call('revocations.recent'),
      after: (cursor, waitMs) => call('revocations.after', cursor, waitMs),
    },
    ai: {
      preferences: (userId) => call('ai.preferences', userId),
      setPreferences: (userId, preferences) => call('ai.setPreferences', userId, preferences),
      recordUsage: (record) => call('ai.recordUsage', record),
      usage: async (userId, limit, before) =>
        (await call<{ created_at: string }[]>('ai.usage', userId, limit, before)).map((row) => ({
          ...row,
          created_at: new Date(row.created_at),
        })) as never,
    },
  };
}
