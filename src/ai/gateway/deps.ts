// What every part of the gateway works with: identity (credits, keys, the usage log), the
// Ollama pool, the per-user limits, metrics, the log and the clock.
import type { IdentityClient } from '../../identity/client.ts';
import type { AiConfig } from '../../platform/ai-config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { UserLimits } from '../limits/user-limits.ts';
import type { OllamaPool } from '../pool/ollama-pool.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { UsageWriter } from './usage-writer.ts';

export interface GatewayDeps {
  identity: IdentityClient;
  usage: UsageWriter;
  config: AiConfig;
  pool: OllamaPool;
  limits: UserLimits;
  metrics: GatewayMetrics;
  logger: Logger;
  clock: Clock;
}
