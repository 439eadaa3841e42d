// The AI gateway's settings, read with the rest of the configuration at start-up.

export type PaidProvider = 'openai' | 'anthropic' | 'deepseek';

export interface ModelPrice {
  /** Credits per 1000 prompt tokens. */
  prompt: number;
  /** Credits per 1000 generated tokens. */
  completion: number;
  /** Credits per 1000 prompt tokens served from the provider's cache. */
  cachedPrompt: number;
  /**
   * The most tokens one answer of this model may generate: the limit a metered call is held
   * for (and sent upstream with) when the caller sets none, and the cap on what it sets.
   */
  maxOutputTokens: number;
}

/** A model's output ceiling when CALOS_AI_PRICES names none. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

export interface AiConfig {
  ollamaHosts: string[];
  providerUrls: Record<PaidProvider, string>;
  /** Operator's own keys: models of these providers become platform-paid premium models. */
  platformKeys: Partial<Record<PaidProvider, string>>;
  defaultModel: string;
  maxConcurrencyPerInstance: number;
  queueSize: number;
  queueTimeoutMs: number;
  /** Time allowed until the first byte from an upstream. */
  firstByteTimeoutMs: number;
  cooldownMs: number;
  healthIntervalMs: number;
  /**
   * Model listing and detail calls a user may make a minute (/api/show, /api/tags, /api/ps,
   * /api/version, /v1/models…): unmetered, but limited.
   */
  metadataPerMinute: number;
  /** Reads and deletions of stored responses (/v1/responses/{id}…) a user may make a minute. */
  storedResponsesPerMinute: number;
  /** Model name (or prefix ending in '*') to price; unlisted Ollama models are free. */
  prices: Record<string, ModelPrice>;
}

type Text = (name: string) => string | undefined;

const intSetting = (
  text: Text,
  problems: string[],
  name: string,
  fallback: number,
  min: number,
  max: number,
) => {
  const raw = text(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return fallback;
  }
  return value;
};

const urlSetting = (text: Text, problems: string[], name: string, fallback: string) => {
  const raw = text(name) ?? fallback;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    return raw.replace(/\/+$/, '');
  } catch {
    problems.push(`${name} must be an http:// or https:// URL (got "${raw}")`);
    return fallback;
  }
};

export function parseAiConfig(text: Text, problems: string[]): AiConfig {
  const hostsRaw = text('OLLAMA_HOSTS') ?? 'http://127.0.0.1:11434';
  const ollamaHosts = hostsRaw
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean)
    .map((h) => (/^https?:\/\//.test(h) ? h : `http://${h}`).replace(/\/+$/, ''));
  for (const host of ollamaHosts) {
    try {
      new URL(host);
    } catch {
      problems.push(`OLLAMA_HOSTS has an invalid URL "${host}"`);
    }
  }
  if (ollamaHosts.length === 0) problems.push('OLLAMA_HOSTS must list at least one Ollama URL');
  if (new Set(ollamaHosts).size !== ollamaHosts.length) problems.push('OLLAMA_HOSTS lists an instance twice');

  let prices: Record<string, ModelPrice> = {};
  const pricesRaw = text('CALOS_AI_PRICES');
  if (pricesRaw) {
    try {
      const parsed = JSON.parse(pricesRaw) as Record<string, Partial<ModelPrice>>;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      prices = Object.fromEntries(
        Object.entries(parsed).map(([model, price]) => {
          const prompt = Number(price.prompt ?? 0);
          const completion = Number(price.completion ?? 0);
          const cachedPrompt = Number(price.cachedPrompt ?? prompt);
          if (![prompt, completion, cachedPrompt].every((n) => Number.isFinite(n) && n >= 0)) {
            throw new Error(`prices of ${model} must be numbers ≥ 0`);
          }
          const maxOutputTokens = Number(price.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS);
          if (!Number.isInteger(maxOutputTokens) || maxOutputTokens < 1 || maxOutputTokens > 1_000_000) {
            throw new Error(`maxOutputTokens of ${model} must be a whole number from 1 to 1000000`);
          }
          return [model, { prompt, completion, cachedPrompt, maxOutputTokens }];
        }),
      );
    } catch (error) {
      problems.push(
        `CALOS_AI_PRICES must be JSON like {"gpt-4o":{"prompt":5,"completion":15,"cachedPrompt":2.5}} (${(error as Error).message})`,
      );
    }
  }

  const platformKeys: Partial<Record<PaidProvider, string>> = {};
  for (const [provider, variable] of [
    ['openai', 'CALOS_OPENAI_API_KEY'],
    ['anthropic', 'CALOS_ANTHROPIC_API_KEY'],
    ['deepseek', 'CALOS_DEEPSEEK_API_KEY'],
  ] as const) {
    const key = text(variable);
    if (key) platformKeys[provider] = key;
  }

  return {
    ollamaHosts,
    providerUrls: {
      openai: urlSetting(text, problems, 'CALOS_OPENAI_URL', 'https://api.openai.com'),
      anthropic: urlSetting(text, problems, 'CALOS_ANTHROPIC_URL', 'https://api.anthropic.com'),
      deepseek: urlSetting(text, problems, 'CALOS_DEEPSEEK_URL', 'https://api.deepseek.com'),
    },
    platformKeys,
    defaultModel: text('CALOS_AI_DEFAULT_MODEL') ?? 'llama3.2',
    maxConcurrencyPerInstance: intSetting(text, problems, 'OLLAMA_MAX_CONCURRENCY', 4, 1, 1024),
    queueSize: intSetting(text, problems, 'OLLAMA_QUEUE_SIZE', 64, 0, 100_000),
    queueTimeoutMs: intSetting(text, problems, 'OLLAMA_QUEUE_TIMEOUT_MS', 30_000, 0, 600_000),
    firstByteTimeoutMs: intSetting(text, problems, 'CALOS_AI_FIRST_BYTE_TIMEOUT_MS', 120_000, 100, 3_600_000),
    cooldownMs: intSetting(text, problems, 'OLLAMA_COOLDOWN_MS', 15_000, 0, 3_600_000),
    healthIntervalMs: intSetting(text, problems, 'OLLAMA_HEALTH_INTERVAL_MS', 5_000, 100, 3_600_000),
    metadataPerMinute: intSetting(text, problems, 'CALOS_AI_METADATA_PER_MINUTE', 60, 1, 100_000),
    storedResponsesPerMinute: intSetting(
      text,
      problems,
      'CALOS_AI_STORED_RESPONSES_PER_MINUTE',
      120,
      1,
      100_000,
    ),
    prices,
  };
}
