// Whether a call may run under the caller's plan limits (requests per minute, hour and day). A
// refused call is counted in the metrics and written to the usage log as `rate_limited`, whether
// it was refused when admitted or earlier, before the stored data it names was read.
import { planCacheFor } from '../../identity/client.ts';
import type { AppError } from '../../platform/errors.ts';
import type { LimitState } from '../limits/user-limits.ts';
import { normalizeOllamaModel, providerOfModel } from '../providers/registry.ts';
import type { GatewayDeps } from './deps.ts';
import type { Caller } from './route.ts';
import { type CallIdentity, recordUsage } from './usage-record.ts';

const limitsOf = async (deps: GatewayDeps, caller: Caller) =>
  (await planCacheFor(deps.identity).entitlementsOf(caller.plan)).aiRateLimits;

function refused(deps: GatewayDeps, call: CallIdentity, started: number, error: unknown) {
  deps.metrics.rejections.inc({ reason: 'rate_limited' });
  recordUsage(deps, call, started, 'rate_limited', { errorCode: (error as AppError).code });
}

/** Counts the call against the caller's limits; throws 429 AI_RATE_LIMITED (logged) when one is spent. */
export async function admitCall(deps: GatewayDeps, call: CallIdentity, started: number): Promise<LimitState> {
  try {
    return await deps.limits.admit(call.caller.userId, await limitsOf(deps, call.caller));
  } catch (error) {
    refused(deps, call, started, error);
    throw error;
  }
}

/**
 * Refuses, without counting it, a call whose limit is already spent, before it reads what it
 * names (a stored chain of up to 16 MiB, referenced items). Not yet routed, the call is logged
 * under the model it asked for (the user's default when it named none) and that model's provider.
 */
export async function refuseIfSpent(
  deps: GatewayDeps,
  caller: Caller,
  endpoint: string,
  model: string | undefined,
): Promise<void> {
  const started = performance.now();
  try {
    await deps.limits.refuseIfSpent(caller.userId, await limitsOf(deps, caller));
  } catch (error) {
    const asked = model?.trim() || deps.config.defaultModel;
    const provider = providerOfModel(asked);
    refused(
      deps,
      {
        caller,
        endpoint,
        route: { model: provider === 'ollama' ? normalizeOllamaModel(asked) : asked, provider, byok: false },
      },
      started,
      error,
    );
    throw error;
  }
}
