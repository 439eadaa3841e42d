// Ollama's POST /api/generate body, checked field by field as Ollama types them, so that it can
// go to an Ollama instance as sent (raw, suffix, context, images, system, template, options,
// think, keep_alive, format): only the model, and for a metered call the output limit, change.
import { PlatformErrors } from '../../platform/errors.ts';

type JsonObject = Record<string, unknown>;

export interface OllamaGenerateRequest {
  body: JsonObject;
  model: string;
  stream: boolean;
  /** options.num_predict when it bounds the output (-1 and -2 do not). */
  maxTokens: number | undefined;
  /** Every text the model reads (system, prompt, suffix, template), to size the hold. */
  texts: string[];
  images: number;
  /** Token ids of an earlier answer (`context`), read as prompt tokens. */
  contextTokens: number;
}

const MAX_CONTEXT_TOKENS = 2_000_000;

const invalid = (message: string, field: string) => PlatformErrors.validation(message, { field });

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const present = (value: unknown) => value !== undefined && value !== null;

export function checkOllamaGenerate(value: unknown): OllamaGenerateRequest {
  if (!isObject(value)) throw invalid('The request body must be a JSON object', 'body');
  const body = value;
  if (typeof body.model !== 'string' || body.model.trim() === '') throw invalid('model is required', 'model');
  const texts: string[] = [];
  for (const field of ['prompt', 'suffix', 'system', 'template'] as const) {
    const text = body[field];
    if (!present(text)) continue;
    if (typeof text !== 'string') throw invalid(`${field} must be a string`, field);
    texts.push(text);
  }
  for (const field of ['stream', 'raw'] as const) {
    if (present(body[field]) && typeof body[field] !== 'boolean')
      throw invalid(`${field} must be a boolean`, field);
  }
  const images = body.images;
  if (present(images) && !(Array.isArray(images) && images.every((i) => typeof i === 'string')))
    throw invalid('images must be a list of base64 strings', 'images');
  const context = body.context;
  if (
    present(context) &&
    !(
      Array.isArray(context) &&
      context.length <= MAX_CONTEXT_TOKENS &&
      context.every((t) => Number.isInteger(t) && t >= 0)
    )
  )
    throw invalid('context must be a list of token ids', 'context');
  const format = body.format;
  if (present(format) && format !== '' && format !== 'json' && !isObject(format))
    throw invalid('format must be "json" or a JSON schema object', 'format');
  if (isObject(format)) texts.push(JSON.stringify(format));
  const keepAlive = body.keep_alive;
  if (present(keepAlive) && typeof keepAlive !== 'string' && typeof keepAlive !== 'number')
    throw invalid('keep_alive must be a duration string or a number of seconds', 'keep_alive');
  const think = body.think;
  if (present(think) && typeof think !== 'boolean' && typeof think !== 'string')
    throw invalid('think must be a boolean or "low", "medium" or "high"', 'think');
  const options = body.options;
  if (present(options) && !isObject(options)) throw invalid('options must be an object', 'options');
  const numPredict = isObject(options) ? options.num_predict : undefined;
  if (present(numPredict) && (typeof numPredict !== 'number' || !Number.isFinite(numPredict)))
    throw invalid('options.num_predict must be a number', 'options.num_predict');
  return {
    body,
    model: body.model.trim(),
    // Ollama streams unless told not to.
    stream: body.stream !== false,
    maxTokens: typeof numPredict === 'number' && numPredict >= 0 ? Math.floor(numPredict) : undefined,
    texts,
    images: Array.isArray(images) ? images.length : 0,
    contextTokens: Array.isArray(context) ? context.length : 0,
  };
}
