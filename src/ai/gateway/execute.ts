// Runs one AI call end to end: admit it under the user's limits, hold the call's worst case in
// credits when the model is metered (refused with 402 before anything reaches a model when the
// balance cannot cover it), reach an upstream (retrying another Ollama instance while nothing has
// reached the client), then settle credits from the real token counts (never more than the
// hold, the rest returns), free the instance and
// log the usage, also when the stream breaks or the client leaves.

import type { IdentityClient } from '../../identity/client.ts';
import { planCacheFor } from '../../identity/client.ts';
import type { AiConfig } from '../../platform/ai-config.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { AiErrors } from '../errors.ts';
import type { LimitState, UserLimits } from '../limits/user-limits.ts';
import { holdFor, promptTokenCeiling } from '../metering/holds.ts';
import { creditsFor, estimateTokens } from '../metering/prices.ts';
import type { Lease, OllamaPool } from '../pool/ollama-pool.ts';
import { type ProviderTarget, UpstreamError, type Usage } from '../providers/types.ts';
import { toClientError } from './errors.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { Caller, Route } from './route.ts';
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

export interface RunSpec<Item> {
  caller: Caller;
  endpoint: string;
  route: Route;
  requestId: string;
  signal: AbortSignal;
  /** Text of the prompt, to estimate the usage of a call that broke off before its counts came. */
  promptText: string;
  /** The most prompt tokens the call can count as (promptTokenCeiling); from promptText when absent. */
  promptTokenCeiling?: number;
  /**
   * The output limit the caller asked for (max_tokens, num_predict); undefined: the model's
   * ceiling; 0: the call generates nothing (embeddings).
   */
  maxCompletionTokens: number | undefined;
  /**
   * Starts the upstream call on a target. `bounds.maxOutputTokens`, set for a metered call, is
   * the output limit its hold covers: the call must be sent with it.
   */
  start(target: ProviderTarget, signal: AbortSignal, bounds: RunBounds): AsyncIterable<Item>;
  /** The final usage, when this item carries it. */
  usageOf(item: Item): Usage | undefined;
  /** Generated text in this item, to estimate usage of a stream that never finished. */
  textOf(item: Item): string;
  /** Tokens this item is known to carry, when counting them beats estimating from text (one per Ollama chunk). */
  tokensOf?(item: Item): number;
}

export interface RunBounds {
  maxOutputTokens?: number;
}

export interface RunSummary {
  usage: Usage;
  credits: number;
  outcome: 'ok' | 'error' | 'aborted';
}

export interface Run<Item> {
  route: Route;
  instance: string | null;
  limit: LimitState;
  items: AsyncIterable<Item>;
  /** Filled in once `items` has ended (completely, by an error, or by the consumer stopping). */
  summary: RunSummary | undefined;
}

const SETTLE_ATTEMPTS = 3;
const SETTLE_RETRY_MS = 250;

export async function startRun<Item>(deps: GatewayDeps, spec: RunSpec<Item>): Promise<Run<Item>> {
  const { caller, route } = spec;
  const started = performance.now();
  const record = (
    outcome: 'ok' | 'error' | 'aborted' | 'rate_limited' | 'no_credits',
    extra: Partial<UsageFacts> = {},
  ) => recordUsage(deps, spec, started, outcome, extra);

  let limit: LimitState;
  try {
    limit = await deps.limits.admit(
      caller.userId,
      (await planCacheFor(deps.identity).entitlementsOf(caller.plan)).aiRateLimits,
    );
  } catch (error) {
    deps.metrics.rejections.inc({ reason: 'rate_limited' });
    await record('rate_limited', { errorCode: (error as AppError).code });
    throw error;
  }

  let reservationId: string | undefined;
  let held = 0;
  const bounds: RunBounds = {};
  if (route.price) {
    // The worst case, taken from the balance in one conditional statement in identity: no
    // balance is read first, so concurrent calls (in any process) cannot share the same credits.
    const hold = holdFor(
      route.price,
      spec.promptTokenCeiling ?? promptTokenCeiling({ texts: [spec.promptText] }),
      spec.maxCompletionTokens,
    );
    if (spec.maxCompletionTokens !== 0) bounds.maxOutputTokens = hold.maxOutputTokens;
    if (hold.credits > 0) {
      try {
        const reservation = await deps.identity.credits.reserve({
          userId: caller.userId,
          amount: hold.credits,
          idempotencyKey: `ai:${spec.requestId}`,
          reason: `AI ${spec.endpoint} ${route.model}`,
        });
        reservationId = reservation.reservationId;
        held = hold.credits;
      } catch (error) {
        deps.metrics.rejections.inc({ reason: 'no_credits' });
        await record('no_credits', { errorCode: (error as AppError).code });
        throw error;
      }
    }
  }

  const refundReservation = async () => {
    if (!reservationId) return;
    await deps.identity.credits
      .refund({ reservationId, idempotencyKey: `ai:${spec.requestId}:refund` })
      .catch((error: unknown) => deps.logger.error({ err: error, reservationId }, 'refund failed'));
  };

  // Reach an upstream and wait for its first item, retrying other instances meanwhile.
  let lease: Lease | undefined;
  let iterator: AsyncIterator<Item>;
  let first: IteratorResult<Item>;
  const tried = new Set<string>();
  for (;;) {
    try {
      let target: ProviderTarget;
      if (route.provider === 'ollama') {
        lease = await deps.pool.acquire(route.model, tried, spec.signal);
        target = { baseUrl: lease.instance.url };
      } else {
        target = { baseUrl: deps.config.providerUrls[route.provider], apiKey: route.apiKey };
      }
      // Each attempt has its own signal: a timed-out attempt is cancelled upstream too.
      const attempt = new AbortController();
      const abortAttempt = () => attempt.abort();
      spec.signal.addEventListener('abort', abortAttempt, { once: true });
      iterator = spec.start(target, attempt.signal, bounds)[Symbol.asyncIterator]();
      first = await withTimeout(iterator.next(), deps.config.firstByteTimeoutMs, spec.signal, abortAttempt);
      break;
    } catch (error) {
      const upstream = lease?.instance.url ?? route.provider;
      if (error instanceof UpstreamError) deps.metrics.upstreamFailures.inc({ upstream, kind: error.kind });
      // Before the first item nothing has reached the client, so a connection that broke off
      // counts like one that never answered: another instance may take the request.
      const retryable =
        error instanceof UpstreamError &&
        (error.isRetryable || error.kind === 'broken_stream') &&
        !spec.signal.aborted;
      if (lease) {
        if (retryable) lease.fail(error instanceof Error ? error.message : String(error));
        else lease.release();
        tried.add(lease.instance.url);
        lease = undefined;
        if (retryable) continue;
      }
      await refundReservation();
      const clientError = spec.signal.aborted
        ? AiErrors.clientClosed()
        : toClientError(error, route.provider, route.byok);
      await record(spec.signal.aborted ? 'aborted' : 'error', { errorCode: clientError.code });
      deps.metrics.requests.inc({ endpoint: spec.endpoint, provider: route.provider, outcome: 'error' });
      throw clientError;
    }
  }
  const firstByteAt = performance.now();
  deps.metrics.firstByte.observe(
    { endpoint: spec.endpoint, provider: route.provider },
    (firstByteAt - started) / 1000,
  );
  const instance = lease?.instance.url ?? null;

  async function* items(): AsyncGenerator<Item> {
    let usage: Usage | undefined;
    let generated = '';
    let counted = 0;
    let outcome: 'ok' | 'error' | 'aborted' = 'ok';
    let errorCode: string | null = null;
    try {
      let current = first;
      while (!current.done) {
        const item = current.value;
        usage = spec.usageOf(item) ?? usage;
        generated += spec.textOf(item);
        counted += spec.tokensOf?.(item) ?? 0;
        yield item;
        current = await iterator.next();
      }
    } catch (error) {
      outcome = spec.signal.aborted ? 'aborted' : 'error';
      const upstreamError = error instanceof UpstreamError ? error : undefined;
      errorCode = spec.signal.aborted
        ? 'CLIENT_CLOSED'
        : toClientError(error, route.provider, route.byok).code;
      if (upstreamError)
        deps.metrics.upstreamFailures.inc({ upstream: instance ?? route.provider, kind: upstreamError.kind });
      if (lease && upstreamError?.kind === 'broken_stream') lease.fail(upstreamError.message);
      throw error;
    } finally {
      // Reached by normal end, by an error, and by the consumer stopping early (client gone).
      if (outcome === 'ok' && !usage) outcome = spec.signal.aborted ? 'aborted' : 'ok';
      await iterator.return?.().catch(() => undefined);
      lease?.release();
      const finalUsage = usage ?? {
        promptTokens: estimateTokens(spec.promptText),
        completionTokens: estimateTokens(generated) + counted,
        cachedPromptTokens: 0,
      };
      let credits = 0;
      if (reservationId && route.price) {
        const cost = creditsFor(route.price, finalUsage);
        if (cost > held) {
          // The hold was the worst case: an upstream that reports more broke its limit.
          deps.metrics.holdOverruns.inc({ provider: route.provider });
          deps.logger.warn(
            { reservationId, model: route.model, cost, held, usage: finalUsage },
            'a metered call cost more than its hold; only the hold is charged',
          );
        }
        credits = Math.min(cost, held);
        const settle = { reservationId, amount: credits, idempotencyKey: `ai:${spec.requestId}:settle` };
        // Retried under the same key (it settles once): a hold never settled would expire and
        // return in full, and the call would have cost nothing.
        for (let attempt = 1; ; attempt++) {
          try {
            const settled = await deps.identity.credits.settle(settle);
            credits = settled.spent ?? credits;
            break;
          } catch (error) {
            const isFinal = error instanceof AppError && error.status < 500;
            if (isFinal || attempt === SETTLE_ATTEMPTS) {
              deps.logger.error({ err: error, reservationId, attempt }, 'settling credits failed');
              break;
            }
            await new Promise((resolve) => setTimeout(resolve, SETTLE_RETRY_MS * attempt));
          }
        }
      }
      deps.metrics.tokens.inc({ provider: route.provider, direction: 'prompt' }, finalUsage.promptTokens);
      deps.metrics.tokens.inc(
        { provider: route.provider, direction: 'completion' },
        finalUsage.completionTokens,
      );
      deps.metrics.requests.inc({ endpoint: spec.endpoint, provider: route.provider, outcome });
      deps.metrics.latency.observe(
        { endpoint: spec.endpoint, provider: route.provider },
        (performance.now() - started) / 1000,
      );
      run.summary = { usage: finalUsage, credits, outcome };
      await record(outcome, { usage: finalUsage, credits, instance, errorCode });
    }
  }

  const run: Run<Item> = { route, instance, limit, items: items(), summary: undefined };
  return run;
}

interface UsageFacts {
  usage: Usage;
  credits: number;
  instance: string | null;
  errorCode: string | null;
}

async function recordUsage<Item>(
  deps: GatewayDeps,
  spec: RunSpec<Item>,
  started: number,
  outcome: 'ok' | 'error' | 'aborted' | 'rate_limited' | 'no_credits',
  facts: Partial<UsageFacts>,
) {
  deps.usage.record({
    userId: spec.caller.userId,
    app: spec.caller.app,
    endpoint: spec.endpoint,
    model: spec.route.model,
    provider: spec.route.provider,
    instance: facts.instance ?? null,
    byok: spec.route.byok,
    promptTokens: facts.usage?.promptTokens ?? 0,
    completionTokens: facts.usage?.completionTokens ?? 0,
    cachedTokens: facts.usage?.cachedPromptTokens ?? 0,
    credits: facts.credits ?? 0,
    latencyMs: performance.now() - started,
    outcome,
    errorCode: facts.errorCode ?? null,
  });
}

function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  signal: AbortSignal,
  onTimeout: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      reject(new UpstreamError(`No answer within ${ms} ms`, 'timeout'));
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new UpstreamError('The client closed the request', 'unreachable'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
