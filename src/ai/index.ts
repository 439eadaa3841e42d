// The AI gateway: every AI call of every CALOS app, over the shared Ollama pool or the user's
// own provider keys, under per-user limits and metering. Ollama-native under /ai/api/*,
// OpenAI-compatible under /ai/v1/*.
import { randomUUID } from 'node:crypto';
import { type IdentityClient, planCacheFor } from '../identity/client.ts';
import type { AiConfig } from '../platform/ai-config.ts';
import { authenticationHook } from '../platform/auth/guard.ts';
import type { ServiceContext, ServiceDefinition, ServiceInstance } from '../platform/http/service.ts';
import { createOutboxConsumer } from '../platform/outbox-consumer.ts';
import type { AiClient } from './client.ts';
import { collectChat, startChat } from './gateway/chat.ts';
import type { GatewayDeps } from './gateway/deps.ts';
import { createGatewayMetrics } from './gateway/metrics.ts';
import { createUsageWriter } from './gateway/usage-writer.ts';
import { createCallLimit } from './limits/call-limit.ts';
import { createUserLimits } from './limits/user-limits.ts';
import { OllamaPool } from './pool/ollama-pool.ts';
import { closeUpstreamConnections } from './providers/http.ts';
import { registerAccountRoutes } from './routes/account.ts';
import { registerCompletionRoutes } from './routes/completions.ts';
import { ollamaErrorHandler, openaiErrorHandler } from './routes/dialects.ts';
import { registerOllamaEmbeddingRoutes, registerOpenAIEmbeddingRoutes } from './routes/embeddings.ts';
import { registerOllamaRoutes } from './routes/ollama.ts';
import { registerOpenAIRoutes } from './routes/openai.ts';
import { registerOpsRoutes } from './routes/ops.ts';
import { registerResponsesRoutes } from './routes/responses.ts';
import { registerShowRoute } from './routes/show.ts';
import { registerStoredResponseRoutes } from './routes/stored-responses.ts';

function createAiClient(deps: GatewayDeps): AiClient {
  const chat: AiClient['chat'] = async (request) => {
    const run = await startChat(deps, {
      caller: { userId: request.userId, plan: request.plan, app: request.app },
      endpoint: 'client.chat',
      requestId: randomUUID(),
      signal: request.signal ?? new AbortController().signal,
      model: request.model,
      call: {
        messages: request.messages,
        stream: request.onText !== undefined,
        format: request.schema,
        temperature: request.temperature,
      },
    });
    const { text, done } = await collectChat(run, request.onText);
    return {
      text,
      model: run.route.model,
      provider: run.route.provider,
      fellBack: run.route.fallbackReason !== undefined,
      usage: {
        promptTokens: done?.usage.promptTokens ?? 0,
        completionTokens: done?.usage.completionTokens ?? 0,
        credits: run.summary?.credits ?? 0,
      },
    };
  };
  return {
    chat,
    generate: ({ prompt, system, ...rest }) =>
      chat({
        ...rest,
        messages: [
          ...(system ? [{ role: 'system' as const, content: system }] : []),
          { role: 'user', content: prompt },
        ],
      }),
  };
}

async function createGateway(context: ServiceContext): Promise<ServiceInstance> {
  const logger = context.logger.child({ service: 'ai' });
  const config = context.config.ai;
  const pool = new OllamaPool({ ...config, hosts: config.ollamaHosts, logger });
  const metrics = createGatewayMetrics({
    instances: () =>
      pool.instances.map((instance) => ({
        url: instance.url,
        inFlight: instance.inFlight,
        isAvailable: pool.isAvailable(instance),
      })),
  });
  const identity = context.clients.get<IdentityClient>('identity');
  const usage = createUsageWriter(() => identity, logger);
  // Plans changed by operators reach the gateway's copy of the plans (identity's plan.changed).
  const planEvents = createOutboxConsumer({
    name: 'ai',
    source: context.events?.source('identity') ?? identity.outbox,
    handle: (event) => planCacheFor(identity).handle(event),
    logger,
  });
  const metadataLimit = createCallLimit(context.config, 'metadata', config.metadataPerMinute);
  const storedLimit = createCallLimit(context.config, 'stored_responses', config.storedResponsesPerMinute);
  const deps: GatewayDeps = {
    identity,
    usage,
    config,
    pool,
    limits: createUserLimits(context.config, { logger, onFallback: () => metrics.limitFallbacks.inc() }),
    metrics,
    logger,
    clock: context.clock,
  };
  return {
    client: createAiClient(deps),
    routes(app) {
      registerOpsRoutes(app, deps);
      // Everything else needs a CALOS access token.
      app.register(async (scope) => {
        scope.addHook('onRequest', authenticationHook(context.verifier));
        // Each front door answers errors in its own dialect, so its own clients show them.
        scope.register(async (ollama) => {
          ollama.setErrorHandler(ollamaErrorHandler);
          registerOllamaRoutes(ollama, deps, metadataLimit);
          registerShowRoute(ollama, deps, metadataLimit);
          registerOllamaEmbeddingRoutes(ollama, deps);
        });
        scope.register(async (openai) => {
          openai.setErrorHandler(openaiErrorHandler);
          registerOpenAIRoutes(openai, deps, metadataLimit);
          registerOpenAIEmbeddingRoutes(openai, deps);
          registerCompletionRoutes(openai, deps);
          registerResponsesRoutes(openai, deps);
          registerStoredResponseRoutes(openai, deps, storedLimit);
        });
        registerAccountRoutes(scope, deps.identity, usage);
      });
    },
    async start() {
      planEvents.start();
      pool.start();
      await pool.probeAll();
      if (pool.available().length === 0)
        logger.warn({ ollamaHosts: config.ollamaHosts }, noOllamaNotice(config));
    },
    notices: () => (pool.available().length === 0 ? [noOllamaNotice(config)] : []),
    async dependencies() {
      const redis = await deps.limits.health();
      return redis ? [redis] : [];
    },
    async stop() {
      await planEvents.stop();
      await usage.stop();
      await pool.stop();
      await closeUpstreamConnections();
    },
  };
}

/** Said once at start when nothing answers at OLLAMA_HOSTS, with the two ways out. */
const noOllamaNotice = (config: AiConfig) =>
  `No Ollama server answers at OLLAMA_HOSTS (${config.ollamaHosts.join(', ')}): AI features answer 503 ` +
  'OLLAMA_UNREACHABLE until one does. Start Ollama there, or run `npm run ollama:dev` for a development ' +
  'stand-in that writes sample recipes (README: "Trying AI without a GPU").';

export const aiService: ServiceDefinition = {
  name: 'ai',
  prefix: '/ai',
  title: 'CALOS AI gateway',
  description:
    'Ollama-native (/api/*) and OpenAI-compatible (/v1/*) access to the shared model pool and your own keys.',
  create: createGateway,
};
