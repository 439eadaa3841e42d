// One line of the usage log for one call, whatever became of it: answered, failed, the client
// gone, or refused by a limit or the credit balance before anything reached a model.
import type { Usage } from '../providers/types.ts';
import type { GatewayDeps } from './deps.ts';
import type { Caller, Route } from './route.ts';

export type Outcome = 'ok' | 'error' | 'aborted' | 'rate_limited' | 'no_credits';

export interface UsageFacts {
  usage: Usage;
  credits: number;
  instance: string | null;
  errorCode: string | null;
}

/** Who called what: the call's caller, endpoint and the route (or the model asked for, before one). */
export interface CallIdentity {
  caller: Caller;
  endpoint: string;
  route: Pick<Route, 'model' | 'provider' | 'byok'>;
}

/** Queues the line (the usage writer sends a batch at a time); `started` from performance.now(). */
export function recordUsage(
  deps: Pick<GatewayDeps, 'usage'>,
  call: CallIdentity,
  started: number,
  outcome: Outcome,
  facts: Partial<UsageFacts> = {},
): void {
  deps.usage.record({
    userId: call.caller.userId,
    app: call.caller.app,
    endpoint: call.endpoint,
    model: call.route.model,
    provider: call.route.provider,
    instance: facts.instance ?? null,
    byok: call.route.byok,
    promptTokens: facts.usage?.promptTokens ?? 0,
    completionTokens: facts.usage?.completionTokens ?? 0,
    cachedTokens: facts.usage?.cachedPromptTokens ?? 0,
    credits: facts.credits ?? 0,
    latencyMs: performance.now() - started,
    outcome,
    errorCode: facts.errorCode ?? null,
  });
}
