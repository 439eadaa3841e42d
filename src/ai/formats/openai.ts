// The OpenAI-compatible front: a /v1/chat/completions body turned into a ChatCall, and
// ChatEvents rendered back as OpenAI's completion and chunk objects, streamed as SSE.
import { randomFillSync } from 'node:crypto';
import { PlatformErrors } from '../../platform/errors.ts';
import type {
  ChatCall,
  ChatMessage,
  DoneReason,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  Usage,
} from '../providers/types.ts';
import { pairToolResults } from './tool-calls.ts';

type JsonObject = Record<string, unknown>;

export interface OpenAIChatCall extends ChatCall {
  /** stream_options.include_usage: the stream ends with a chunk carrying the usage. */
  includeUsage: boolean;
  /** `n`: how many answers (choices) to give. */
  choices: number;
}

/** Most answers one request may ask for with `n`. */
export const MAX_CHOICES = 8;
/** Most tools one request may offer. */
export const MAX_TOOLS = 128;

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

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function parseToolCalls(value: unknown, field: string): ToolCall[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid(`${field} must be a list`, field);
  const calls = value.map((call, i): ToolCall => {
    const where = `${field}[${i}]`;
    const fn = isObject(call) && isObject(call.function) ? call.function : undefined;
    if (!isObject(call) || typeof call.id !== 'string' || !fn || typeof fn.name !== 'string') {
      throw invalid(`${where} must be {id, type: "function", function: {name, arguments}}`, where);
    }
    const args = fn.arguments ?? '{}';
    if (typeof args !== 'string') throw invalid(`${where}.function.arguments must be a JSON string`, where);
    return { id: call.id, name: fn.name, arguments: args };
  });
  return calls.length > 0 ? calls : undefined;
}

function parseMessage(value: unknown, index: number): ChatMessage {
  const field = `messages[${index}]`;
  if (!isObject(value)) throw invalid(`${field} must be an object`, field);
  const role = typeof value.role === 'string' ? ROLES[value.role] : undefined;
  if (!role)
    throw invalid(`${field}.role must be one of system, developer, user, assistant, tool`, `${field}.role`);
  const { content, images } = parseContent(value.content, `${field}.content`);
  const message: ChatMessage = { role, content, ...(images.length > 0 ? { images } : {}) };
  if (role === 'assistant') {
    const toolCalls = parseToolCalls(value.tool_calls, `${field}.tool_calls`);
    if (toolCalls) message.toolCalls = toolCalls;
  }
  if (role === 'tool') {
    // The older `function` role names the function instead of a call id.
    if (value.role === 'function') {
      if (typeof value.name !== 'string') throw invalid(`${field}.name is required`, `${field}.name`);
      message.toolName = value.name;
    } else {
      if (typeof value.tool_call_id !== 'string' || value.tool_call_id === '') {
        throw invalid(`${field}.tool_call_id is required for a tool message`, `${field}.tool_call_id`);
      }
      message.toolCallId = value.tool_call_id;
    }
  }
  return message;
}

/** `tools` (and the older `functions`) as tool definitions. */
export function parseTools(body: JsonObject): ToolDefinition[] | undefined {
  const list = body.tools ?? body.functions;
  if (list === undefined || list === null) return undefined;
  const key = body.tools !== undefined ? 'tools' : 'functions';
  if (!Array.isArray(list)) throw invalid(`${key} must be a list`, key);
  if (list.length > MAX_TOOLS) throw invalid(`${key} may hold at most ${MAX_TOOLS} tools`, key);
  const tools = list.map((tool, i): ToolDefinition => {
    const where = `${key}[${i}]`;
    const fn = key === 'tools' ? (isObject(tool) ? tool.function : undefined) : tool;
    if (key === 'tools' && (!isObject(tool) || tool.type !== 'function')) {
      throw invalid(`${where}.type must be "function"`, where);
    }
    if (!isObject(fn) || typeof fn.name !== 'string' || !TOOL_NAME.test(fn.name)) {
      throw invalid(`${where}.function.name must be 1 to 64 letters, digits, _ or -`, where);
    }
    if (fn.parameters !== undefined && !isObject(fn.parameters)) {
      throw invalid(`${where}.function.parameters must be a JSON schema object`, where);
    }
    return {
      name: fn.name,
      ...(typeof fn.description === 'string' ? { description: fn.description } : {}),
      parameters: (fn.parameters as JsonObject | undefined) ?? { type: 'object', properties: {} },
      ...(typeof fn.strict === 'boolean' ? { strict: fn.strict } : {}),
    };
  });
  return tools.length > 0 ? tools : undefined;
}

/** `tool_choice` (and the older `function_call`). */
export function parseToolChoice(
  body: JsonObject,
  tools: ToolDefinition[] | undefined,
): ToolChoice | undefined {
  const key = body.tool_choice !== undefined ? 'tool_choice' : 'function_call';
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return value;
  const name = isObject(value) ? (isObject(value.function) ? value.function.name : value.name) : undefined;
  if (typeof name !== 'string') {
    throw invalid(`${key} must be "auto", "none", "required" or {type: "function", function: {name}}`, key);
  }
  if (!tools?.some((t) => t.name === name)) throw invalid(`${key} names a tool that is not in tools`, key);
  return { name };
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
  const choices = optionalInteger(body, 'n', 1) ?? 1;
  if (choices > MAX_CHOICES) throw invalid(`n must be at most ${MAX_CHOICES}`, 'n');
  const tools = parseTools(body);
  const toolChoice = parseToolChoice(body, tools);
  if (
    body.parallel_tool_calls !== undefined &&
    body.parallel_tool_calls !== null &&
    typeof body.parallel_tool_calls !== 'boolean'
  ) {
    throw invalid('parallel_tool_calls must be a boolean', 'parallel_tool_calls');
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
    messages: pairToolResults(body.messages.map(parseMessage)),
    stream,
    format: parseResponseFormat(body.response_format),
    temperature: optionalNumber(body, 'temperature', 0, 2),
    topP: optionalNumber(body, 'top_p', 0, 1),
    maxTokens,
    stop: parseStop(body.stop),
    seed: optionalInteger(body, 'seed', Number.MIN_SAFE_INTEGER),
    tools,
    toolChoice,
    parallelToolCalls: typeof body.parallel_tool_calls === 'boolean' ? body.parallel_tool_calls : undefined,
  };
  // Fields left out stay out (no `key: undefined`), in one pass.
  const parsed: Record<string, unknown> = {};
  for (const key in call) {
    const field = call[key as keyof ChatCall];
    if (field !== undefined) parsed[key] = field;
  }
  parsed.includeUsage = includeUsage;
  parsed.choices = choices;
  return parsed as unknown as OpenAIChatCall;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const ID_LENGTH = 29;
/** Random bytes for ids, drawn a few kilobytes at a time rather than one call per answer. */
const idBytes = Buffer.alloc(ID_LENGTH * 256);
let idBytesUsed = idBytes.length;

/** A fresh id in OpenAI's shape: 'chatcmpl-' and 29 letters and digits. */
export function openaiCompletionId(): string {
  if (idBytesUsed + ID_LENGTH > idBytes.length) {
    randomFillSync(idBytes);
    idBytesUsed = 0;
  }
  let id = 'chatcmpl-';
  for (let i = idBytesUsed; i < idBytesUsed + ID_LENGTH; i++)
    id += ID_ALPHABET[(idBytes[i] as number) % ID_ALPHABET.length];
  idBytesUsed += ID_LENGTH;
  return id;
}

export type OpenAIFinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls';

export const openaiFinishReason = (reason: DoneReason): OpenAIFinishReason =>
  reason === 'length' || reason === 'content_filter' || reason === 'tool_calls' ? reason : 'stop';

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export const openaiToolCall = (call: ToolCall): OpenAIToolCall => ({
  id: call.id,
  type: 'function',
  function: { name: call.name, arguments: call.arguments },
});

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

export interface OpenAIChoice {
  index: number;
  message: {
    role: 'assistant';
    content: string | null;
    refusal: null;
    tool_calls?: OpenAIToolCall[];
  };
  logprobs: null;
  finish_reason: OpenAIFinishReason;
}

export interface OpenAICompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: OpenAIChoice[];
  usage: OpenAIUsage;
}

/** One whole answer: with tool calls and no text, `content` is null, as OpenAI sends it. */
export interface Answer {
  content: string;
  toolCalls: ToolCall[];
  finishReason: DoneReason;
}

export function openaiChoice(index: number, answer: Answer): OpenAIChoice {
  const hasCalls = answer.toolCalls.length > 0;
  return {
    index,
    message: {
      role: 'assistant',
      content: hasCalls && answer.content === '' ? null : answer.content,
      refusal: null,
      ...(hasCalls ? { tool_calls: answer.toolCalls.map(openaiToolCall) } : {}),
    },
    logprobs: null,
    finish_reason: openaiFinishReason(hasCalls ? 'tool_calls' : answer.finishReason),
  };
}

/** A whole (non-streamed) answer; several answers (`n`) are several choices with summed usage. */
export function openaiCompletion(
  id: string,
  model: string,
  content: string | Answer[],
  usage: Usage,
  finishReason: DoneReason,
  created: number,
): OpenAICompletion {
  const answers = typeof content === 'string' ? [{ content, toolCalls: [], finishReason }] : content;
  return {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: answers.map((answer, i) => openaiChoice(i, answer)),
    usage: openaiUsage(usage),
  };
}

export interface OpenAIToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

export interface OpenAIDelta {
  role?: 'assistant';
  content?: string | null;
  tool_calls?: OpenAIToolCallDelta[];
}

export interface OpenAIChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: { index: number; delta: OpenAIDelta; logprobs: null; finish_reason: OpenAIFinishReason | null }[];
  usage?: OpenAIUsage | null;
}

/** A piece of a tool call in a stream: the first piece of a call has its id, type and name. */
export function openaiToolCallDelta(piece: {
  index: number;
  id?: string;
  name?: string;
  arguments: string;
}): OpenAIDelta {
  return {
    tool_calls: [
      {
        index: piece.index,
        ...(piece.id !== undefined ? { id: piece.id, type: 'function' as const } : {}),
        function: { ...(piece.name !== undefined ? { name: piece.name } : {}), arguments: piece.arguments },
      },
    ],
  };
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
  choice = 0,
): OpenAIChunk {
  return {
    id,
    object: 'chat.completion.chunk',
    created: options.created,
    model,
    choices: [
      {
        index: choice,
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
