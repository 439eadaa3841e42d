// A stand-in for one Ollama instance, close enough to the real API that the official `ollama`
// client works against it unchanged. Counting rules: prompt_eval_count is the number of words
// (runs of non-whitespace) in every message's content (chat) or in system + prompt (generate);
// eval_count is the number of words in the reply, streamed as one chunk per word.

import { field, stringField } from './body.ts';
import { chat, embed, embeddings, generate, sendOllamaError } from './ollama-inference.ts';
import {
  DEFAULT_OLLAMA_VERSION,
  describeModel,
  findModel,
  LoadedModels,
  type OllamaOptions,
  showModel,
} from './ollama-models.ts';
import { openaiChat } from './ollama-openai.ts';
import { type Exchange, type Protocol, type StandIn, startStandIn } from './server.ts';
import { sendJson, sendText } from './wire.ts';

export type { OllamaOptions } from './ollama-models.ts';
export type OllamaStandIn = StandIn<OllamaOptions>;

type Route = (exchange: Exchange<OllamaOptions>) => Promise<void> | void;

const INFERENCE_PATHS = new Set([
  '/api/chat',
  '/api/generate',
  '/api/embed',
  '/api/embeddings',
  '/v1/chat/completions',
]);

export function startOllamaStandIn(options: Partial<OllamaOptions> = {}): Promise<OllamaStandIn> {
  const loaded = new LoadedModels(options.loaded);
  const json = { 'content-type': 'application/json; charset=utf-8' };
  const running: Route = ({ res }) => sendText(res, 200, 'Ollama is running');
  const version: Route = ({ res, options }) =>
    sendJson(res, 200, { version: options.version ?? DEFAULT_OLLAMA_VERSION }, json);
  const tags: Route = ({ res, options }) =>
    sendJson(res, 200, { models: options.models.map((name) => describeModel(name)) }, json);
  // Newer clients send `model`, older ones `name`.
  const show: Route = (exchange) => {
    const asked = stringField(exchange.body, 'model') ?? stringField(exchange.body, 'name') ?? '';
    if (asked === '') return sendOllamaError(exchange, 400, 'model is required');
    const installed = findModel(exchange.options.models, asked);
    if (!installed) return sendOllamaError(exchange, 404, `model '${asked}' not found`);
    return sendJson(exchange.res, 200, showModel(installed, field(exchange.body, 'verbose') === true), json);
  };
  const routes: Record<string, Record<string, Route>> = {
    '/': { GET: running, HEAD: running },
    '/api/version': { GET: version, HEAD: version },
    '/api/tags': { GET: tags, HEAD: tags },
    '/api/ps': { GET: ({ res }) => sendJson(res, 200, { models: loaded.entries() }, json) },
    '/api/chat': { POST: (exchange) => chat(exchange, loaded) },
    '/api/generate': { POST: (exchange) => generate(exchange, loaded) },
    '/api/embed': { POST: (exchange) => embed(exchange, loaded) },
    '/api/embeddings': { POST: (exchange) => embeddings(exchange, loaded) },
    '/api/show': { POST: show },
    '/v1/chat/completions': { POST: openaiChat(loaded) },
  };

  const protocol: Protocol<OllamaOptions> = {
    isInference: (method, path) => method === 'POST' && INFERENCE_PATHS.has(path),
    errorBody: (_status, message) => ({ error: message }),
    handle: (exchange) => {
      const byMethod = routes[exchange.path];
      // Ollama's router (gin) answers unknown paths and methods in plain text.
      if (!byMethod) return sendText(exchange.res, 404, '404 page not found');
      const route = byMethod[exchange.method];
      if (!route) return sendText(exchange.res, 405, '405 method not allowed');
      if (exchange.method === 'POST' && exchange.body === undefined) {
        return sendOllamaError(exchange, 400, 'missing request body');
      }
      return route(exchange);
    },
    optionsChanged: (_options, partial) => {
      if (partial.loaded) loaded.reset(partial.loaded);
    },
  };
  return startStandIn(protocol, { models: ['llama3.2:latest'], ...options });
}
