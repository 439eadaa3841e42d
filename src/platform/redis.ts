// One shared ioredis connection per process when REDIS_URL is set (rate limits, cool-downs).
import { Redis } from 'ioredis';
import type { Config } from './config.ts';

let shared: { url: string; client: Redis } | undefined;

export function redisClient(config: Pick<Config, 'redisUrl'>): Redis | undefined {
  if (!config.redisUrl) return undefined;
  // A client that was closed (closeRedis, or quit elsewhere) is not handed out again.
  if (shared?.url === config.redisUrl && shared.client.status !== 'end') return shared.client;
  // Commands fail fast while Redis is away instead of queueing forever behind a request.
  const client = new Redis(config.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
  });
  client.on('error', () => undefined);
  shared = { url: config.redisUrl, client };
  return client;
}

export async function closeRedis(): Promise<void> {
  const current = shared;
  shared = undefined;
  await current?.client.quit().catch(() => current.client.disconnect());
}
