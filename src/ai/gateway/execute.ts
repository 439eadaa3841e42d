// Runs one AI call end to end: admit it under the user's limits (admission.ts), hold its worst
// case in credits when the model is metered (credit-hold.ts), reach an upstream (upstream.ts),
// then pass its items on, and when they end (completely, by an error, or the client leaving)
// settle the credits, free the instance, count the metrics and log the usage (usage-record.ts).

import { AiErrors } from '../errors.ts';
import type { LimitState } from '../limits/user-limits.ts';
import { estimateTokens } from '../metering/prices.ts';
import { type ProviderTarget, UpstreamError, type Usage } from '../providers/types.ts';
import { admitCall } from './admission.ts';
import { type CreditHold, holdCredits } from './credit-hold.ts';
import type { GatewayDeps } from './deps.ts';
import { toClientError } from './errors.ts';
import type { Caller, Route } from './route.ts';
import { type Attempt, reachUpstream } from './upstream.ts';
import { recordUsage } from './usage-record.ts';

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

export async function startRun<Item>(deps: GatewayDeps, spec: RunSpec<Item>): Promise<Run<Item>> {
  const { route } = spec;
  const started = performance.now();
  const limit = await admitCall(deps, spec, started);

  let hold: CreditHold;
  try {
    hold = await holdCredits(deps, { ...spec, userId: spec.caller.userId });
  } catch (error) {
    deps.metrics.rejections.inc({ reason: 'no_credits' });
    recordUsage(deps, spec, started, 'no_credits', { errorCode: (error as { code?: string }).code ?? null });
    throw error;
  }
  const bounds: RunBounds =
    hold.maxOutputTokens !== undefined ? { maxOutputTokens: hold.maxOutputTokens } : {};

  let attempt: Attempt<Item>;
  try {
    attempt = await reachUpstream(deps, route, spec.signal, (target, signal) =>
      spec.start(target, signal, bounds),
    );
  } catch (error) {
    await hold.refund();
    const clientError = spec.signal.aborted
      ? AiErrors.clientClosed()
      : toClientError(error, route.provider, route.byok);
    recordUsage(deps, spec, started, spec.signal.aborted ? 'aborted' : 'error', {
      errorCode: clientError.code,
    });
    deps.metrics.requests.inc({ endpoint: spec.endpoint, provider: route.provider, outcome: 'error' });
    throw clientError;
  }
  deps.metrics.firstByte.observe(
    { endpoint: spec.endpoint, provider: route.provider },
    (performance.now() - started) / 1000,
  );
  const instance = attempt.lease?.instance.url ?? null;
  const run: Run<Item> = { route, instance, limit, items: undefined as never, summary: undefined };
  run.items = passItems(deps, spec, run, attempt, hold, started);
  return run;
}

/** The upstream's items as they come; when they end, the call is settled, counted and logged. */
async function* passItems<Item>(
  deps: GatewayDeps,
  spec: RunSpec<Item>,
  run: Run<Item>,
  { lease, iterator, first }: Attempt<Item>,
  hold: CreditHold,
  started: number,
): AsyncGenerator<Item> {
  const { route } = spec;
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
    errorCode = spec.signal.aborted ? 'CLIENT_CLOSED' : toClientError(error, route.provider, route.byok).code;
    if (upstreamError)
      deps.metrics.upstreamFailures.inc({
        upstream: run.instance ?? route.provider,
        kind: upstreamError.kind,
      });
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
    const credits = await hold.settle(finalUsage);
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
    recordUsage(deps, spec, started, outcome, {
      usage: finalUsage,
      credits,
      instance: run.instance,
      errorCode,
    });
  }
}
