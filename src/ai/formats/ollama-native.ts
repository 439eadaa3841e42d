// The Ollama-native front: /api/chat and /api/generate request bodies turned into a ChatCall,
// and ChatEvents rendered back as the objects Ollama streams (NDJSON) or returns.
import { PlatformErrors } from '../../platform/errors.ts';
import type {
  ChatCall,
  ChatMessage,
  DoneReason,
  ToolCall,
  ToolDefinition,
  Usage,
} from '../providers/types.ts';
import { MAX_TOOLS } from './openai.ts';
import { argumentsObject, pairToolResults } from './tool-calls.ts';

type JsonObject = Record<string, unknown>;

export type OllamaChatCall = ChatCall;

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

function parseToolCalls(value: unknown, field: string, index: number): ToolCall[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid(`${field} must be a list`, field);
  const calls = value.map((call, i): ToolCall => {
    const where = `${field}[${i}]`;
    const fn = isObject(call) ? call.function : undefined;
    if (!isObject(fn) || typeof fn.name !== 'string') {
      throw invalid(`${where} must be {function: {name, arguments}}`, where);
    }
    const args = fn.arguments ?? {};
    // Ollama's arguments are an object; some clients send OpenAI's JSON text.
    const text = typeof args === 'string' ? JSON.stringify(argumentsObject(args)) : JSON.stringify(args);
    if (!isObject(args) && typeof args !== 'string') {
      throw invalid(`${where}.function.arguments must be an object`, where);
    }
    // Ollama's calls have no id before 0.12; one is made so that other upstreams can pair results.
    const id =
      isObject(call) && typeof call.id === 'string' && call.id !== '' ? call.id : `call_${index}_${i}`;
    return { id, name: fn.name, arguments: text };
  });
  return calls.length > 0 ? calls : undefined;
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
  const message: ChatMessage = {
    role: role as ChatMessage['role'],
    content: content ?? '',
    ...(images ? { images } : {}),
  };
  if (role === 'assistant') {
    const toolCalls = parseToolCalls(value.tool_calls, `${field}.tool_calls`, index);
    if (toolCalls) message.toolCalls = toolCalls;
  }
  if (role === 'tool') {
    if (typeof value.tool_name === 'string') message.toolName = value.tool_name;
    if (typeof value.tool_call_id === 'string') message.toolCallId = value.tool_call_id;
  }
  return message;
}

function parseTools(value: unknown): ToolDefinition[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid('tools must be a list', 'tools');
  if (value.length > MAX_TOOLS) throw invalid(`tools may hold at most ${MAX_TOOLS} tools`, 'tools');
  const tools = value.map((tool, i): ToolDefinition => {
    const where = `tools[${i}]`;
    const fn = isObject(tool) ? tool.function : undefined;
    if (!isObject(fn) || typeof fn.name !== 'string' || fn.name === '') {
      throw invalid(`${where} must be {type: "function", function: {name, description, parameters}}`, where);
    }
    if (fn.parameters !== undefined && fn.parameters !== null && !isObject(fn.parameters)) {
      throw invalid(`${where}.function.parameters must be a JSON schema object`, where);
    }
    return {
      name: fn.name,
      ...(typeof fn.description === 'string' ? { description: fn.description } : {}),
      parameters: isObject(fn.parameters) ? fn.parameters : { type: 'object', properties: {} },
    };
  });
  return tools.length > 0 ? tools : undefined;
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
  if (
    keepAlive !== undefined &&
    keepAlive !== null &&
    typeof keepAlive !== 'string' &&
    typeof keepAlive !== 'number'
  ) {
    throw invalid('keep_alive must be a duration string or a number of seconds', 'keep_alive');
  }
  const think = body.think;
  if (think !== undefined && think !== null && typeof think !== 'boolean' && typeof think !== 'string') {
    throw invalid('think must be a boolean or "low", "medium" or "high"', 'think');
  }
  const format = parseFormat(body.format);
  const ollama = {
    ...(isObject(body.options) ? { options: body.options } : {}),
    ...(keepAlive !== undefined && keepAlive !== null ? { keepAlive } : {}),
    ...(think !== undefined && think !== null ? { think } : {}),
  };
  return {
    // Ollama streams unless told not to.
    stream: body.stream !== false,
    ...(format !== undefined ? { format } : {}),
    ...parseOptions(body.options),
    ...(Object.keys(ollama).length > 0 ? { ollama } : {}),
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
  const messages = pairToolResults(((body.messages as unknown[] | null | undefined) ?? []).map(parseMessage));
  const tools = parseTools(body.tools);
  return { model, messages, ...parseCommon(body), ...(tools ? { tools } : {}) };
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

export interface OllamaToolCall {
  id?: string;
  function: { index: number; name: string; arguments: Record<string, unknown> };
}

export const ollamaToolCalls = (calls: ToolCall[]): OllamaToolCall[] =>
  calls.map((call, index) => ({
    id: call.id,
    function: { index, name: call.name, arguments: argumentsObject(call.arguments) },
  }));

export interface OllamaChatChunk {
  model: string;
  created_at: string;
  message: { role: 'assistant'; content: string; tool_calls?: OllamaToolCall[] };
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

/** One streamed /api/chat object carrying a piece of the answer, or the answer's tool calls. */
export function ollamaChatChunk(
  model: string,
  delta: string,
  at: Date,
  toolCalls?: ToolCall[],
): OllamaChatChunk {
  return {
    model,
    created_at: at.toISOString(),
    message: {
      role: 'assistant',
      content: delta,
      ...(toolCalls && toolCalls.length > 0 ? { tool_calls: ollamaToolCalls(toolCalls) } : {}),
    },
    done: false,
  };
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
  toolCalls: ToolCall[] = [],
): OllamaChatFinal {
  return {
    model,
    created_at: at.toISOString(),
    message: {
      role: 'assistant',
      content,
      ...(toolCalls.length > 0 ? { tool_calls: ollamaToolCalls(toolCalls) } : {}),
    },
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
