// What a model costs in credits. Ollama models are free unless the operator prices them;
// platform-paid premium models cost what the operator configures.
import type { ModelPrice } from '../../platform/ai-config.ts';

export function priceOf(prices: Record<string, ModelPrice>, model: string): ModelPrice | undefined {
  const exact = prices[model] ?? prices[model.replace(/:latest$/, '')];
  if (exact) return exact;
  const prefix = Object.keys(prices)
    .filter((key) => key.endsWith('*') && model.startsWith(key.slice(0, -1)))
    .sort((a, b) => b.length - a.length)[0];
  return prefix ? prices[prefix] : undefined;
}

/** Credits for real usage, rounded up so that any use of a priced model costs at least 1. */
export function creditsFor(
  price: ModelPrice,
  usage: { promptTokens: number; completionTokens: number; cachedPromptTokens: number },
): number {
  const uncachedPrompt = Math.max(0, usage.promptTokens - usage.cachedPromptTokens);
  const cost =
    (uncachedPrompt * price.prompt +
      usage.cachedPromptTokens * price.cachedPrompt +
      usage.completionTokens * price.completion) /
    1000;
  return cost > 0 ? Math.ceil(cost) : 0;
}

/** Roughly 4 characters per token: enough to size a reservation before the call. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);
