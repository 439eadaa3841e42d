// POST /v1/chat/completions on the Ollama stand-in: Ollama's OpenAI-compatible endpoint, which
// gateways that speak OpenAI to Ollama (Portkey's `ollama` provider) call. It answers as the
// OpenAI stand-in does; a model that is not installed gets Ollama's 404 in OpenAI's shape.
import { stringField } from './body.ts';
import { findModel, type LoadedModels, type OllamaOptions } from './ollama-models.ts';
import { chatCompletion, PromptCache, validateChat } from './openai-chat.ts';
import type { OpenAIOptions } from './openai-options.ts';
import type { Exchange } from './server.ts';
import { sendJson } from './wire.ts';

export function openaiChat(loaded: LoadedModels) {
  const cache = new PromptCache();
  return (exchange: Exchange<OllamaOptions>) => {
    const checked = validateChat(exchange.body);
    if ('error' in checked) return sendJson(exchange.res, checked.status, { error: checked.error });
    const asked = stringField(exchange.body, 'model') as string;
    const installed = findModel(exchange.options.models, asked);
    if (!installed) {
      return sendJson(exchange.res, 404, {
        error: {
          message: `model "${asked}" not found, try pulling it first`,
          type: 'api_error',
          param: null,
          code: null,
        },
      });
    }
    loaded.touch(installed);
    // Only the reply's length and pacing options matter to chatCompletion; Ollama has no keys.
    const options = { ...exchange.options, apiKeys: [] } satisfies OpenAIOptions;
    return chatCompletion({ ...exchange, options }, checked.messages, cache);
  };
}
