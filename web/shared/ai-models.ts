// Which AI models a person can choose from: the gateway's pool (free) and well-known models of
// each provider whose key the person keeps in their account. The account console sets the default
// (GET/PUT /ai/api/preferences); the apps' generate forms pick one per request.
import type { RequestOptions } from './api.ts';
import type { PageConfig } from './config.ts';

export interface AiPreferences {
  /** The model the apps ask when the person picks none; null: the platform's default. */
  model_preference: string | null;
  /** The free model that answers when the preferred one cannot (no key, plan). */
  fallback_model: string;
}

export const PROVIDERS = [
  ['openai', 'OpenAI'],
  ['anthropic', 'Anthropic'],
  ['deepseek', 'DeepSeek'],
] as const;
export type Provider = (typeof PROVIDERS)[number][0];

export const providerName = (provider: string) => PROVIDERS.find(([p]) => p === provider)?.[1] ?? provider;

/** Models each provider is asked for by name; any other of theirs can be typed in the console. */
export const PROVIDER_MODELS: Record<Provider, readonly string[]> = {
  openai: ['gpt-4o', 'gpt-4o-mini'],
  anthropic: ['claude-sonnet-4-5', 'claude-3-5-haiku-latest'],
  deepseek: ['deepseek-chat', 'deepseek-reasoner'],
};

/**
 * The provider whose key a model name uses, or undefined for the pool: the gateway's routing
 * (src/ai/providers/registry.ts) in short, for labels and warnings only (the gateway decides).
 */
export function providerOfModel(name: string): Provider | undefined {
  const model = name.trim().toLowerCase();
  if (model.startsWith('ft:')) return 'openai';
  // A tag (qwen2.5:7b, deepseek-r1:8b) names an Ollama model.
  if (model.includes(':')) return undefined;
  if (/^(gpt-|chatgpt-|o1|o3|o4)/.test(model)) return 'openai';
  if (model.startsWith('claude-')) return 'anthropic';
  if (model.startsWith('deepseek-')) return 'deepseek';
  return undefined;
}

export interface ModelMenu {
  preferences: AiPreferences;
  /** Models the gateway's pool has (free). */
  pool: string[];
  /** Providers the person has an active key for. */
  keyed: Provider[];
}

export interface ModelChoice {
  model: string;
  label: string;
}

type Fetch = <T>(url: string, options?: RequestOptions) => Promise<T>;

/** What the console and the pickers show; a part the gateway cannot answer is left empty. */
export async function loadModelMenu(
  fetchJson: Fetch,
  config: Pick<PageConfig, 'ai' | 'identity'>,
  signal?: AbortSignal,
): Promise<ModelMenu> {
  const [preferences, models, keys] = await Promise.all([
    fetchJson<AiPreferences>(`${config.ai}/api/preferences`, { signal }),
    fetchJson<{ data: { id: string }[] }>(`${config.ai}/v1/models`, { signal }).catch(() => ({ data: [] })),
    fetchJson<{ items: { provider: string; is_active: boolean }[] }>(`${config.identity}/api/keys`, {
      signal,
    }).catch(() => ({ items: [] })),
  ]);
  const keyed = PROVIDERS.map(([p]) => p).filter((p) =>
    keys.items.some((k) => k.is_active && k.provider === p),
  );
  return { preferences, pool: models.data.map((m) => m.id).sort(), keyed };
}

/** The pool's models, then each keyed provider's, labelled with who answers. */
export function modelChoices(menu: ModelMenu): ModelChoice[] {
  const choices: ModelChoice[] = menu.pool.map((model) => ({ model, label: `${model} (free)` }));
  for (const provider of menu.keyed) {
    for (const model of PROVIDER_MODELS[provider])
      choices.push({ model, label: `${model} (your ${providerName(provider)} key)` });
  }
  const preferred = menu.preferences.model_preference;
  if (preferred && !choices.some((c) => sameModel(c.model, preferred))) {
    const provider = providerOfModel(preferred);
    choices.push({
      model: preferred,
      label: provider ? `${preferred} (your ${providerName(provider)} key)` : preferred,
    });
  }
  return choices;
}

/** llama3.2 and llama3.2:latest are one Ollama model. */
export const sameModel = (a: string, b: string) => a.replace(/:latest$/, '') === b.replace(/:latest$/, '');

/** "Default: gpt-4o": what answers when the person picks nothing (short: it sits in a narrow column). */
export function defaultChoiceLabel(preferences: AiPreferences): string {
  return preferences.model_preference ? `Default: ${preferences.model_preference}` : 'Default (free)';
}
