// The Ollama-native front: /api/chat and /api/generate request bodies turned into a ChatCall,
// and ChatEvents rendered back as the objects Ollama streams (NDJSON) or returns.
import { PlatformErrors } from '../../platform/errors.ts';
import type { ChatCall, ChatMessage, DoneReason, Usage } from '../providers/types.ts';

type JsonObject = Record<string, unknown>;

export interface OllamaChatCall extends ChatCall {
  /** Ollama's keep_alive ('5m', 300, 0 …), for passing on to an Ollama upstream. */
  keepAlive?: string | number;
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const invalid = (message: string, field: string) => PlatformErrors.validation(message, { field });

const ROLES = new Set<ChatMessage['role']>(['system', 'user', 'assistant', 'tool']);

function requireBody(body: unknown): JsonObject {
  if (!isObject(body)) throw invalid('The request body must be a JSON object', 'body');
  return body;
}

function requireModel(body: JsonObject): string {
  if (typeof body.model !== 'string' || body.model.trim() === '') throw invalid('model is required', 'model');
  return body.model.trim();
}

function parseImages(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((image) => typeof image === 'string')) {
    throw invalid(`${field} must be a list of base64 strings`, field);
  }
  return value.length > 0 ? value : undefined;
}

function parseMessage(value: unknown, index: number): ChatMessage {
  const field = `messages[${index}]`;
  if (!isObject(value)) throw invalid(`${field} must be an object`, field);
  const { role, content } = value;
  if (typeof role !== 'string' || !ROLES.has(role as ChatMessage['role'])) {
    throw invalid(`${field}.role must be one of system, user, assistant, tool`, `${field}.role`);
  }
  // Ollama accepts a message without content (images only, or an assistant's tool calls).
  if (content !== undefined && content !== null && typeof content !== 'string') {
    throw invalid(`${field}.content must be a string`, `${field}.content`);
  }
  const images = parseImages(value.images, `${field}.images`);
  return { role: role as ChatMessage['role'], content: content ?? '', ...(images ? { images } : {}) };
}

function parseFormat(value: unknown): ChatCall['format'] {
  if (value === undefined || value === null || value === '') return undefined;
  if (value === 'json') return 'json';
  if (isObject(value)) return value;
  throw invalid('format must be "json" or a JSON schema object', 'format');
}

const number = (options: JsonObject, key: string): number | undefined => {
  const value = options[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(`options.${key} must be a number`, `options.${key}`);
  }
  return value;
};

/** The sampling options a ChatCall carries; others (num_ctx, …) only mean something to Ollama. */
function parseOptions(value: unknown): Partial<ChatCall> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalid('options must be an object', 'options');
  const numPredict = number(value, 'num_predict');
  const stop = value.stop;
  if (
    stop !== undefined &&
    stop !== null &&
    typeof stop !== 'string' &&
    !(Array.isArray(stop) && stop.every((s) => typeof s === 'string'))
  ) {
    throw invalid('options.stop must be a string or a list of strings', 'options.stop');
  }
  const seed = number(value, 'seed');
  if (seed !== undefined && !Number.isInteger(seed))
    throw invalid('options.seed must be an integer', 'options.seed');
  const call: Partial<ChatCall> = {
    temperature: number(value, 'temperature'),
    topP: number(value, 'top_p'),
    // -1 (endless) and -2 (fill the context) set no bound.
    maxTokens: numberPredictBound(numPredict),
    stop: typeof stop === 'string' ? [stop] : (stop ?? undefined),
    seed,
  };
  return Object.fromEntries(Object.entries(call).filter(([, v]) => v !== undefined));
}

const numberPredictBound = (numPredict: number | undefined) =>
  numPredict !== undefined && numPredict >= 0 ? Math.floor(numPredict) : undefined;

function parseCommon(body: JsonObject): Omit<OllamaChatCall, 'model' | 'messages'> {
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    throw invalid('stream must be a boolean', 'stream');
  }
  const keepAlive = body.keep_alive;
  if (keepAlive !== undefined && typeof keepAlive !== 'string' && typeof keepAlive !== 'number') {
    throw invalid('keep_alive must be a duration string or a number of seconds', 'keep_alive');
  }
  const format = parseFormat(body.format);
  return {
    // Ollama streams unless told not to.
    stream: body.stream !== false,
    ...(format !== undefined ? { format } : {}),
    ...parseOptions(body.options),
    ...(keepAlive !== undefined ? { keepAlive } : {}),
  };
}

/**
 * A POST /api/chat body as a ChatCall. `messages` may be empty or absent (Ollama then only
 * loads the model). Tools are not carried: a call with tools is for an Ollama upstream as is.
 */
export function parseOllamaChat(value: unknown): OllamaChatCall {
  const body = requireBody(value);
  const model = requireModel(body);
  if (body.messages !== undefined && body.messages !== null && !Array.isArray(body.messages)) {
    throw invalid('messages must be a list', 'messages');
  }
  const messages = ((body.messages as unknown[] | null | undefined) ?? []).map(parseMessage);
  return { model, messages, ...parseCommon(body) };
}

/**
 * A POST /api/generate body as a ChatCall: `system` becomes a system message and `prompt`
 * (with `images`) a user message. An empty prompt gives no messages (Ollama only loads the model).
 */
export function parseOllamaGenerate(value: unknown): OllamaChatCall {
  const body = requireBody(value);
  const model = requireModel(body);
  for (const field of ['prompt', 'system'] as const) {
    if (body[field] !== undefined && body[field] !== null && typeof body[field] !== 'string') {
      throw invalid(`${field} must be a string`, field);
    }
  }
  const prompt = (body.prompt as string | undefined) ?? '';
  const system = (body.system as string | undefined) ?? '';
  const images = parseImages(body.images, 'images');
  const messages: ChatMessage[] = [];
  if (system !== '') messages.push({ role: 'system', content: system });
  if (prompt !== '' || images)
    messages.push({ role: 'user', content: prompt, ...(images ? { images } : {}) });
  return { model, messages, ...parseCommon(body) };
}

/** Ollama's timings, in nanoseconds. */
export interface OllamaDurations {
  total: number;
  load: number;
  promptEval: number;
  eval: number;
}

/**
 * Timings of an answer from process.hrtime.bigint() readings: the prompt is taken as evaluated
 * until the first token, generation as the rest.
 */
export function measureDurations(
  startedAt: bigint,
  firstTokenAt?: bigint,
  endedAt: bigint = process.hrtime.bigint(),
): OllamaDurations {
  const first = firstTokenAt ?? endedAt;
  return {
    total: Number(endedAt - startedAt),
    load: 0,
    promptEval: Number(first - startedAt),
    eval: Number(endedAt - first),
  };
}

/** Ollama knows only these two reasons for ending an answer. */
const ollamaDoneReason = (reason: DoneReason): 'stop' | 'length' => (reason === 'length' ? 'length' : 'stop');

const metrics = (usage: Usage, durations: OllamaDurations) => ({
  total_duration: Math.round(durations.total),
  load_duration: Math.round(durations.load),
  prompt_eval_count: usage.promptTokens,
  prompt_eval_duration: Math.round(durations.promptEval),
  eval_count: usage.completionTokens,
  eval_duration: Math.round(durations.eval),
});

export interface OllamaChatChunk {
  model: string;
  created_at: string;
  message: { role: 'assistant'; content: string };
  done: false;
}

export interface OllamaChatFinal extends Omit<OllamaChatChunk, 'done'> {
  done_reason: 'stop' | 'length';
  done: true;
  total_duration: number;
  load_duration: number;
  prompt_eval_count: number;
  prompt_eval_duration: number;
  eval_count: number;
  eval_duration: number;
}

/** One streamed /api/chat object carrying a piece of the answer. */
export function ollamaChatChunk(model: string, delta: string, at: Date): OllamaChatChunk {
  return { model, created_at: at.toISOString(), message: { role: 'assistant', content: delta }, done: false };
}

/**
 * The last /api/chat object, with the counts and timings. A non-streamed answer is this object
 * alone, with the whole text as `content`; a stream ends with it and empty content.
 */
export function ollamaChatFinal(
  model: string,
  usage: Usage,
  doneReason: DoneReason,
  durations: OllamaDurations,
  content: string,
  at: Date,
): OllamaChatFinal {
  return {
    model,
    created_at: at.toISOString(),
    message: { role: 'assistant', content },
    done_reason: ollamaDoneReason(doneReason),
    done: true,
    ...metrics(usage, durations),
  };
}

export interface OllamaGenerateChunk {
  model: string;
  created_at: string;
  response: string;
  done: false;
}

export interface OllamaGenerateFinal extends Omit<OllamaGenerateChunk, 'done'> {
  done: true;
  done_reason: 'stop' | 'length';
  total_duration: number;
  load_duration: number;
  prompt_eval_count: number;
  prompt_eval_duration: number;
  eval_count: number;
  eval_duration: number;
}

/** One streamed /api/generate object carrying a piece of the answer. */
export function ollamaGenerateChunk(model: string, delta: string, at: Date): OllamaGenerateChunk {
  return { model, created_at: at.toISOString(), response: delta, done: false };
}

/**
 * The last /api/generate object. Ollama adds `context` (the prompt and answer as token ids) when
 * it templated the prompt; a translated answer has no token ids to give, so it is left out.
 */
export function ollamaGenerateFinal(
  model: string,
  usage: Usage,
  doneReason: DoneReason,
  durations: OllamaDurations,
  response: string,
  at: Date,
): OllamaGenerateFinal {
  return {
    model,
    created_at: at.toISOString(),
    response,
    done: true,
    done_reason: ollamaDoneReason(doneReason),
    ...metrics(usage, durations),
  };
}

/** Ollama's error body, also how it reports a failure inside an NDJSON stream. */
export const ollamaError = (message: string): { error: string } => ({ error: message });

/** One NDJSON line. */
export const ndjsonLine = (value: unknown): string => `${JSON.stringify(value)}\n`;
