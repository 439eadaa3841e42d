// The OpenAI-compatible front: a /v1/chat/completions body turned into a ChatCall, and
// ChatEvents rendered back as OpenAI's completion and chunk objects, streamed as SSE.
import { randomBytes } from 'node:crypto';
import { PlatformErrors } from '../../platform/errors.ts';
import type { ChatCall, ChatMessage, DoneReason, Usage } from '../providers/types.ts';

type JsonObject = Record<string, unknown>;

export interface OpenAIChatCall extends ChatCall {
  /** stream_options.include_usage: the stream ends with a chunk carrying the usage. */
  includeUsage: boolean;
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const invalid = (message: string, field: string) => PlatformErrors.validation(message, { field });

const ROLES: Record<string, ChatMessage['role']> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
  tool: 'tool',
  function: 'tool',
};

const DATA_URL = /^data:image\/[\w.+-]+;base64,(.*)$/s;

/** Text parts joined; image parts (data: URLs only, the gateway fetches nothing) as base64. */
function parseContent(content: unknown, field: string): { content: string; images: string[] } {
  if (content === undefined || content === null) return { content: '', images: [] };
  if (typeof content === 'string') return { content, images: [] };
  if (!Array.isArray(content)) throw invalid(`${field} must be a string or a list of parts`, field);
  const texts: string[] = [];
  const images: string[] = [];
  content.forEach((part, i) => {
    const where = `${field}[${i}]`;
    if (isObject(part) && (part.type === 'text' || part.type === 'refusal')) {
      const text = part.type === 'text' ? part.text : part.refusal;
      if (typeof text !== 'string') throw invalid(`${where}.text must be a string`, where);
      texts.push(text);
    } else if (isObject(part) && part.type === 'image_url') {
      const url = isObject(part.image_url) ? part.image_url.url : undefined;
      const data = typeof url === 'string' ? DATA_URL.exec(url)?.[1] : undefined;
      if (data === undefined) {
        throw invalid(
          `${where}.image_url.url must be a base64 data: URL (remote images are not fetched)`,
          where,
        );
      }
      images.push(data);
    } else {
      throw invalid(`${where} must be a text or image_url part`, where);
    }
  });
  return { content: texts.join('\n'), images };
}

function parseMessage(value: unknown, index: number): ChatMessage {
  const field = `messages[${index}]`;
  if (!isObject(value)) throw invalid(`${field} must be an object`, field);
  const role = typeof value.role === 'string' ? ROLES[value.role] : undefined;
  if (!role)
    throw invalid(`${field}.role must be one of system, developer, user, assistant, tool`, `${field}.role`);
  const { content, images } = parseContent(value.content, `${field}.content`);
  return { role, content, ...(images.length > 0 ? { images } : {}) };
}

function optionalNumber(body: JsonObject, key: string, min: number, max: number): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalid(`${key} must be a number from ${min} to ${max}`, key);
  }
  return value;
}

function optionalInteger(body: JsonObject, key: string, min: number): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalid(`${key} must be an integer of at least ${min}`, key);
  }
  return value;
}

function parseStop(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((s) => typeof s === 'string'))
    return value.length > 0 ? value : undefined;
  throw invalid('stop must be a string or a list of strings', 'stop');
}

function parseResponseFormat(value: unknown): ChatCall['format'] {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid('response_format must be an object', 'response_format');
  if (value.type === 'text') return undefined;
  if (value.type === 'json_object') return 'json';
  if (value.type === 'json_schema') {
    const schema = isObject(value.json_schema) ? value.json_schema.schema : undefined;
    if (!isObject(schema)) {
      throw invalid('response_format.json_schema.schema must be a JSON schema object', 'response_format');
    }
    return schema;
  }
  throw invalid('response_format.type must be text, json_object or json_schema', 'response_format.type');
}

/**
 * A POST /v1/chat/completions body as a ChatCall. Only one choice (`n` 1) and no tools: the
 * gateway answers with text.
 */
export function parseOpenAIChat(value: unknown): OpenAIChatCall {
  if (!isObject(value)) throw invalid('The request body must be a JSON object', 'body');
  const body = value;
  // Left out (or empty), the caller's preferred model answers: a CALOS extension the apps' typed
  // client relies on; OpenAI's own clients always name one.
  if (body.model !== undefined && body.model !== null && typeof body.model !== 'string') {
    throw invalid('model must be a string', 'model');
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw invalid('messages must be a non-empty list', 'messages');
  }
  if (body.n !== undefined && body.n !== null && body.n !== 1) throw invalid('n must be 1', 'n');
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    throw invalid('tools are not supported by this gateway', 'tools');
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    throw invalid('stream must be a boolean', 'stream');
  }
  const stream = body.stream === true;
  const includeUsage = stream && isObject(body.stream_options) && body.stream_options.include_usage === true;
  // max_tokens is the older name of max_completion_tokens; the newer one wins.
  const maxTokens =
    optionalInteger(body, 'max_completion_tokens', 1) ?? optionalInteger(body, 'max_tokens', 1);
  const call: ChatCall = {
    model: typeof body.model === 'string' ? body.model.trim() : '',
    messages: body.messages.map(parseMessage),
    stream,
    format: parseResponseFormat(body.response_format),
    temperature: optionalNumber(body, 'temperature', 0, 2),
    topP: optionalNumber(body, 'top_p', 0, 1),
    maxTokens,
    stop: parseStop(body.stop),
    seed: optionalInteger(body, 'seed', Number.MIN_SAFE_INTEGER),
  };
  const defined = Object.fromEntries(Object.entries(call).filter(([, v]) => v !== undefined)) as ChatCall;
  return { ...defined, includeUsage };
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh id in OpenAI's shape: 'chatcmpl-' and 29 letters and digits. */
export function openaiCompletionId(): string {
  const bytes = randomBytes(29);
  let id = 'chatcmpl-';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

export type OpenAIFinishReason = 'stop' | 'length' | 'content_filter';

export const openaiFinishReason = (reason: DoneReason): OpenAIFinishReason =>
  reason === 'length' || reason === 'content_filter' ? reason : 'stop';

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
}

export const openaiUsage = (usage: Usage): OpenAIUsage => ({
  prompt_tokens: usage.promptTokens,
  completion_tokens: usage.completionTokens,
  total_tokens: usage.promptTokens + usage.completionTokens,
  prompt_tokens_details: { cached_tokens: usage.cachedPromptTokens },
});

export interface OpenAICompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: [
    {
      index: 0;
      message: { role: 'assistant'; content: string; refusal: null };
      logprobs: null;
      finish_reason: OpenAIFinishReason;
    },
  ];
  usage: OpenAIUsage;
}

/** A whole (non-streamed) answer. */
export function openaiCompletion(
  id: string,
  model: string,
  content: string,
  usage: Usage,
  finishReason: DoneReason,
  created: number,
): OpenAICompletion {
  return {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: null,
        finish_reason: openaiFinishReason(finishReason),
      },
    ],
    usage: openaiUsage(usage),
  };
}

export interface OpenAIDelta {
  role?: 'assistant';
  content?: string;
}

export interface OpenAIChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: { index: 0; delta: OpenAIDelta; logprobs: null; finish_reason: OpenAIFinishReason | null }[];
  usage?: OpenAIUsage | null;
}

export interface ChunkOptions {
  /** Seconds since the epoch, the same for every chunk of one stream, as OpenAI sends it. */
  created: number;
  /** With stream_options.include_usage, OpenAI puts `usage: null` on every chunk but the last. */
  includeUsage?: boolean;
}

/**
 * One streamed chunk. A stream opens with `{ role: 'assistant', content: '' }`, carries the text
 * as strings, and closes with `{}` and the finish reason.
 */
export function openaiChunk(
  id: string,
  model: string,
  delta: string | OpenAIDelta,
  finishReason: DoneReason | undefined,
  options: ChunkOptions,
): OpenAIChunk {
  return {
    id,
    object: 'chat.completion.chunk',
    created: options.created,
    model,
    choices: [
      {
        index: 0,
        delta: typeof delta === 'string' ? { content: delta } : delta,
        logprobs: null,
        finish_reason: finishReason === undefined ? null : openaiFinishReason(finishReason),
      },
    ],
    ...(options.includeUsage ? { usage: null } : {}),
  };
}

/** The chunk after the finish with stream_options.include_usage: no choices, the usage. */
export function openaiUsageChunk(id: string, model: string, usage: Usage, created: number): OpenAIChunk {
  return { id, object: 'chat.completion.chunk', created, model, choices: [], usage: openaiUsage(usage) };
}

/** OpenAI's error body; `type` as OpenAI uses it (invalid_request_error, authentication_error, …). */
export const openaiError = (
  message: string,
  type = 'invalid_request_error',
  code: string | null = null,
  param: string | null = null,
) => ({ error: { message, type, param, code } });

/** One server-sent event carrying a JSON value. */
export const sseData = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;

/** The event that ends an OpenAI stream. */
export const SSE_DONE = 'data: [DONE]\n\n';
