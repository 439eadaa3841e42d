// Which upstream serves a model name, and the providers by name. Provider models are named
// as their providers name them; everything else is a model of the Ollama pool.
import { anthropicProvider } from './anthropic.ts';
import { ollamaProvider } from './ollama.ts';
import { deepseekProvider, openaiProvider } from './openai.ts';
import type { ChatProvider } from './types.ts';

export type ProviderName = ChatProvider['name'];

export const chatProviders: Readonly<Record<ProviderName, ChatProvider>> = Object.freeze({
  ollama: ollamaProvider,
  openai: openaiProvider,
  anthropic: anthropicProvider,
  deepseek: deepseekProvider,
});

/** Open-weight models whose names look like a provider's but that Ollama serves. */
const OLLAMA_LOOKALIKES = /^gpt-oss\b/;

/**
 * The provider of a model name: 'gpt-*', 'o1*', 'o3*', 'o4*', 'chatgpt-*', 'text-embedding-*'
 * and fine-tunes ('ft:…') are OpenAI's, 'claude-*' Anthropic's, 'deepseek-*' DeepSeek's, anything else
 * Ollama's. A name with a tag ('deepseek-r1:7b', 'gpt-oss:20b') is always an Ollama model:
 * providers do not tag their model names.
 */
export function providerOfModel(name: string): ProviderName {
  const model = name.trim().toLowerCase();
  if (model.startsWith('ft:')) return 'openai';
  if (modelTag(model) !== undefined || OLLAMA_LOOKALIKES.test(model)) return 'ollama';
  if (/^(gpt-|chatgpt-|o1|o3|o4|text-embedding-)/.test(model)) return 'openai';
  if (model.startsWith('claude-')) return 'anthropic';
  if (model.startsWith('deepseek-')) return 'deepseek';
  return 'ollama';
}

/** The tag of an Ollama model name, looked for after the last '/' (a registry host may have a port). */
function modelTag(name: string): string | undefined {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const colon = base.indexOf(':');
  return colon === -1 ? undefined : base.slice(colon + 1);
}

/** An Ollama model name with its tag: a name without one means ':latest' ('llama3.2' → 'llama3.2:latest'). */
export function normalizeOllamaModel(name: string): string {
  const trimmed = name.trim();
  return modelTag(trimmed) === undefined ? `${trimmed}:latest` : trimmed;
}
