// Prometheus metrics of the gateway, served at /ai/metrics.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** An Ollama instance as the gauges show it, read when metrics are scraped. */
export interface InstanceGaugeSource {
  instances(): Iterable<{ url: string; inFlight: number; isAvailable: boolean }>;
}

/**
 * `source`: the pool's instances. Their gauges are read at scrape time rather than set on every
 * lease and release: a request then pays for no label look-ups of gauges nobody is reading.
 */
export function createGatewayMetrics(source?: InstanceGaugeSource) {
  const registry = new Registry();
  const requests = new Counter({
    name: 'calos_ai_requests_total',
    help: 'AI requests by endpoint, provider and outcome',
    labelNames: ['endpoint', 'provider', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'calos_ai_request_duration_seconds',
    help: 'Whole AI request duration',
    labelNames: ['endpoint', 'provider'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const firstByte = new Histogram({
    name: 'calos_ai_time_to_first_token_seconds',
    help: 'Time until the first token reached the client',
    labelNames: ['endpoint', 'provider'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'calos_ai_instance_in_flight',
    help: 'Requests in flight per Ollama instance',
    labelNames: ['instance'] as const,
    registers: [registry],
    collect() {
      for (const instance of source?.instances() ?? [])
        this.set({ instance: instance.url }, instance.inFlight);
    },
  });
  const healthy = new Gauge({
    name: 'calos_ai_instance_healthy',
    help: '1 when the Ollama instance takes traffic',
    labelNames: ['instance'] as const,
    registers: [registry],
    collect() {
      for (const instance of source?.instances() ?? [])
        this.set({ instance: instance.url }, instance.isAvailable ? 1 : 0);
    },
  });
  const rejections = new Counter({
    name: 'calos_ai_rejections_total',
    help: 'Requests refused before reaching a model, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const upstreamFailures = new Counter({
    name: 'calos_ai_upstream_failures_total',
    help: 'Failures of upstream instances and providers, by kind',
    labelNames: ['upstream', 'kind'] as const,
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'calos_ai_tokens_total',
    help: 'Tokens processed, by provider and direction',
    labelNames: ['provider', 'direction'] as const,
    registers: [registry],
  });
  const holdOverruns = new Counter({
    name: 'calos_ai_hold_overruns_total',
    help: 'Metered calls whose reported usage cost more than their credit hold (only the hold is charged)',
    labelNames: ['provider'] as const,
    registers: [registry],
  });
  const limitFallbacks = new Counter({
    name: 'calos_ai_limit_fallbacks_total',
    help: 'Rate-limit counts made in this process only because Redis (REDIS_URL) did not answer',
    registers: [registry],
  });
  return {
    registry,
    limitFallbacks,
    requests,
    latency,
    firstByte,
    inFlight,
    healthy,
    rejections,
    upstreamFailures,
    tokens,
    holdOverruns,
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
