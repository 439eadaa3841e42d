// /ai/metrics: Prometheus metrics of the gateway (requests, latency, in-flight per instance,
// rejections, upstream failures). Unauthenticated, like every scrape target: expose it only
// on a network the operator trusts.
import type { App } from '../../platform/http/service.ts';
import type { GatewayDeps } from '../gateway/deps.ts';

export function registerOpsRoutes(app: App, deps: GatewayDeps) {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
