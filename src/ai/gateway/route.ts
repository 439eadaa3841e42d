// Which upstream answers a call: the user's own key for a provider's model (any plan, the user
// pays the provider), the operator's key for a platform-paid premium model (plans that include
// them, metered), and otherwise the free Ollama pool, falling back to the user's fallback model.
import type { IdentityClient } from '../../identity/client.ts';
import { planCacheFor } from '../../identity/client.ts';
import {
  type AiConfig,
  DEFAULT_MAX_OUTPUT_TOKENS,
  type ModelPrice,
  type PaidProvider,
} from '../../platform/ai-config.ts';
import { AiErrors } from '../errors.ts';
import { priceOf } from '../metering/prices.ts';
import { normalizeOllamaModel, providerOfModel } from '../providers/registry.ts';

export interface Caller {
  userId: string;
  plan: string;
  app: string;
}

export interface Route {
  provider: 'ollama' | PaidProvider;
  /** The model as the upstream knows it. */
  model: string;
  /** The model the caller asked for, when another one answers instead. */
  requestedModel: string;
  byok: boolean;
  apiKey?: string;
  price: ModelPrice | undefined;
  /** Why the fallback model answers instead of the requested one. */
  fallbackReason?: 'no_key_for_provider' | 'plan_excludes_premium';
}

export async function routeCall(
  identity: IdentityClient,
  config: AiConfig,
  caller: Caller,
  requested: string | undefined,
  /** Whether the Ollama pool has a model: a pooled 'deepseek-r1' is the open-weight one. */
  poolHas: (model: string) => boolean = () => false,
  /** false (X-CALOS-Fallback: off): refuse, naming the reason, instead of answering from the fallback model. */
  allowFallback = true,
): Promise<Route> {
  // Preferences matter only without a model or for a fallback: not read on the common path.
  let preferences: Awaited<ReturnType<IdentityClient['ai']['preferences']>> | undefined;
  const preferencesOf = async () => {
    preferences ??= await identity.ai.preferences(caller.userId);
    return preferences;
  };
  const model = requested?.trim() || (await preferencesOf()).model_preference || config.defaultModel;
  const provider = poolHas(normalizeOllamaModel(model)) ? 'ollama' : providerOfModel(model);
  if (provider === 'ollama') {
    const name = normalizeOllamaModel(model);
    return { provider, model: name, requestedModel: model, byok: false, price: priceOf(config.prices, name) };
  }
  const key = await identity.apiKeys.activeKey(caller.userId, provider);
  if (key)
    return { provider, model, requestedModel: model, byok: true, apiKey: key.apiKey, price: undefined };
  const platformKey = config.platformKeys[provider];
  const includesPremium = (await planCacheFor(identity).entitlementsOf(caller.plan)).premiumModels;
  if (platformKey && includesPremium) {
    return {
      provider,
      model,
      requestedModel: model,
      byok: false,
      apiKey: platformKey,
      price: priceOf(config.prices, model) ?? {
        prompt: 10,
        completion: 30,
        cachedPrompt: 5,
        maxOutputTokens: DEFAULT_MAX_OUTPUT_TOKENS,
      },
    };
  }
  if (!allowFallback) {
    throw platformKey
      ? AiErrors.premiumModelNotInPlan(model, provider)
      : AiErrors.providerKeyRequired(model, provider);
  }
  const fallback = normalizeOllamaModel((await preferencesOf()).fallback_model || config.defaultModel);
  return {
    provider: 'ollama',
    model: fallback,
    requestedModel: model,
    byok: false,
    price: priceOf(config.prices, fallback),
    fallbackReason: platformKey ? 'plan_excludes_premium' : 'no_key_for_provider',
  };
}
