// The OpenAI Chat Completions upstream, and DeepSeek, which speaks the same protocol at another
// base URL: requests with the user's key, answers read whole or as an SSE stream with usage.
import { endpoint, postJson, sseEvents } from './http.ts';
import {
  type ChatCall,
  type ChatEvent,
  type ChatMessage,
  type ChatProvider,
  type DoneReason,
  type ProviderTarget,
  UpstreamError,
  type Usage,
} from './types.ts';

type OpenAIProtocolName = 'openai' | 'deepseek';
type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The media type of a base64 image, from the signature its first bytes carry (PNG when unknown). */
export function imageMediaType(base64: string): string {
  if (base64.startsWith('/9j/')) return 'image/jpeg';
  if (base64.startsWith('R0lGOD')) return 'image/gif';
  if (base64.startsWith('UklGR')) return 'image/webp';
  return 'image/png';
}

/** What a model told to answer in JSON reads: the instruction, with the schema when there is one. */
export function jsonInstruction(format: 'json' | JsonObject): string {
  const base = 'Answer with one JSON value only: no prose, no Markdown code fences.';
  return format === 'json' ? base : `${base} It must conform to this JSON schema:\n${JSON.stringify(format)}`;
}

const SCHEMA_MAPS = ['properties', '$defs', 'definitions', 'patternProperties'];
const SCHEMA_LISTS = ['anyOf', 'allOf', 'oneOf', 'prefixItems'];
const SCHEMA_VALUES = ['items', 'not', 'contains', 'if', 'then', 'else'];

/**
 * The schema as strict mode accepts it: every object closed (`additionalProperties: false`) and
 * all its properties required. An answer to the result also satisfies the original. Undefined
 * when the schema allows extra properties on purpose, which strict mode cannot express.
 */
export function strictSchema(schema: JsonObject): JsonObject | undefined {
  const result: JsonObject = { ...schema };
  for (const key of SCHEMA_MAPS) {
    const map = schema[key];
    if (!isObject(map)) continue;
    const converted: JsonObject = {};
    for (const [name, sub] of Object.entries(map)) {
      const strict = isObject(sub) ? strictSchema(sub) : sub;
      if (strict === undefined) return undefined;
      converted[name] = strict;
    }
    result[key] = converted;
  }
  for (const key of SCHEMA_LISTS) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    const converted = list.map((sub) => (isObject(sub) ? strictSchema(sub) : sub));
    if (converted.includes(undefined)) return undefined;
    result[key] = converted;
  }
  for (const key of SCHEMA_VALUES) {
    const sub = schema[key];
    if (!isObject(sub)) continue;
    const strict = strictSchema(sub);
    if (strict === undefined) return undefined;
    result[key] = strict;
  }
  if (isObject(schema.properties)) {
    if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) return undefined;
    result.additionalProperties = false;
    result.required = Object.keys(schema.properties);
  }
  return result;
}

const mentionsJson = (messages: readonly ChatMessage[]) => messages.some((m) => /json/i.test(m.content));

function toWireMessage({ role, content, images, toolCalls, toolCallId }: ChatMessage): JsonObject {
  if (role === 'tool') {
    // A result without the id of its call cannot be a tool message: it goes as user text.
    return toolCallId ? { role, tool_call_id: toolCallId, content } : { role: 'user', content };
  }
  if (role === 'assistant' && toolCalls && toolCalls.length > 0) {
    return {
      role,
      content: content === '' ? null : content,
      tool_calls: toolCalls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      })),
    };
  }
  if (!images || images.length === 0) return { role, content };
  return {
    role,
    content: [
      ...(content !== '' ? [{ type: 'text', text: content }] : []),
      ...images.map((image) => ({
        type: 'image_url',
        image_url: { url: `data:${imageMediaType(image)};base64,${image}` },
      })),
    ],
  };
}

// Reasoning models refuse sampling parameters other than their defaults.
const isReasoningModel = (model: string) => /^(o\d|gpt-5(?!-chat))/i.test(model);

/** The body of POST /v1/chat/completions for a call. */
export function openaiChatBody(call: ChatCall, protocol: OpenAIProtocolName = 'openai'): JsonObject {
  const messages = call.messages.map(toWireMessage);
  const body: JsonObject = { model: call.model, messages, stream: call.stream };
  if (call.stream) body.stream_options = { include_usage: true };
  if (!isReasoningModel(call.model)) {
    if (call.temperature !== undefined) body.temperature = call.temperature;
    if (call.topP !== undefined) body.top_p = call.topP;
  }
  if (call.maxTokens !== undefined) {
    // DeepSeek documents only max_tokens; OpenAI deprecated it for max_completion_tokens.
    body[protocol === 'deepseek' ? 'max_tokens' : 'max_completion_tokens'] = call.maxTokens;
  }
  if (call.stop !== undefined && call.stop.length > 0) body.stop = call.stop;
  if (call.seed !== undefined) body.seed = call.seed;
  if (call.tools && call.tools.length > 0) {
    body.tools = call.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        parameters: tool.parameters,
        ...(tool.strict !== undefined && protocol === 'openai' ? { strict: tool.strict } : {}),
      },
    }));
    const choice = call.toolChoice;
    if (choice !== undefined) {
      body.tool_choice =
        typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
    }
    if (call.parallelToolCalls !== undefined && protocol === 'openai')
      body.parallel_tool_calls = call.parallelToolCalls;
  }

  const { format } = call;
  if (format === undefined) return body;
  const strict = format === 'json' ? undefined : strictSchema(format);
  if (format !== 'json' && protocol === 'openai') {
    body.response_format = {
      type: 'json_schema',
      json_schema: { name: 'answer', schema: strict ?? format, strict: strict !== undefined },
    };
    return body;
  }
  // JSON mode: OpenAI refuses it unless a message says "JSON", and DeepSeek has no json_schema,
  // so the instruction (with the schema) goes first as a system message.
  body.response_format = { type: 'json_object' };
  if (format !== 'json' || !mentionsJson(call.messages)) {
    body.messages = [{ role: 'system', content: jsonInstruction(format) }, ...messages];
  }
  return body;
}

export function doneReasonOf(finishReason: unknown): DoneReason {
  if (finishReason === 'length') return 'length';
  if (finishReason === 'tool_calls' || finishReason === 'function_call') return 'tool_calls';
  if (finishReason === 'content_filter') return 'content_filter';
  // DeepSeek ends with this when it ran out of capacity mid-answer.
  if (finishReason === 'insufficient_system_resource') return 'error';
  return 'stop';
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

export function usageOf(usage: unknown): Usage {
  if (!isObject(usage)) return { promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0 };
  const details = isObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  return {
    promptTokens: count(usage.prompt_tokens),
    completionTokens: count(usage.completion_tokens),
    // DeepSeek names its cache hits prompt_cache_hit_tokens.
    cachedPromptTokens: count(details.cached_tokens ?? usage.prompt_cache_hit_tokens),
  };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

const malformed = (protocol: OpenAIProtocolName, shown: string) =>
  new UpstreamError(
    `${label(protocol)} sent something that is not a JSON object: ${shown.slice(0, 200)}`,
    'broken_stream',
    200,
    protocol,
  );

function parseChunk(data: string, protocol: OpenAIProtocolName): JsonObject {
  try {
    const value = JSON.parse(data) as unknown;
    if (isObject(value)) return value;
  } catch {
    // Reported below.
  }
  throw malformed(protocol, data);
}

const label = (protocol: OpenAIProtocolName) => (protocol === 'openai' ? 'OpenAI' : 'DeepSeek');

function failureIn(chunk: JsonObject, protocol: OpenAIProtocolName, hasContent: boolean) {
  if (chunk.error === undefined) return undefined;
  const message = isObject(chunk.error) ? text(chunk.error.message) : text(chunk.error);
  return new UpstreamError(
    `${label(protocol)} failed during the answer: ${message || 'no details given'}`,
    hasContent ? 'broken_stream' : 'server_error',
    200,
    protocol,
  );
}

function createChat(protocol: OpenAIProtocolName) {
  return async function* chat(
    target: ProviderTarget,
    call: ChatCall,
    signal: AbortSignal,
  ): AsyncGenerator<ChatEvent> {
    const response = await postJson(
      endpoint(target.baseUrl, '/v1/chat/completions'),
      openaiChatBody(call, protocol),
      {
        signal,
        provider: protocol,
        headers: {
          ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}),
          accept: call.stream ? 'text/event-stream' : 'application/json',
        },
      },
    );

    if (!call.stream) {
      const completion = await response.json();
      if (!isObject(completion)) throw malformed(protocol, JSON.stringify(completion) ?? '');
      const choice = Array.isArray(completion.choices) ? completion.choices[0] : undefined;
      const message = isObject(choice) && isObject(choice.message) ? choice.message : {};
      const refusal = text(message.refusal);
      const content = text(message.content) || refusal;
      if (content !== '') yield { type: 'delta', content };
      const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
      for (const [index, toolCall] of calls.entries()) {
        const fn = isObject(toolCall) && isObject(toolCall.function) ? toolCall.function : {};
        yield {
          type: 'tool_call',
          index,
          id: isObject(toolCall) ? text(toolCall.id) : '',
          name: text(fn.name),
          arguments: text(fn.arguments),
        };
      }
      yield {
        type: 'done',
        usage: usageOf(completion.usage),
        doneReason:
          refusal !== '' ? 'content_filter' : doneReasonOf(isObject(choice) && choice.finish_reason),
        model: text(completion.model) || call.model,
      };
      return;
    }

    let model = call.model;
    let finishReason: unknown;
    let usage: unknown;
    let isDone = false;
    let hasContent = false;
    try {
      for await (const event of sseEvents(response.body)) {
        if (event.data === '[DONE]') {
          // Read on to the end of the body, so the connection can be reused.
          isDone = true;
          continue;
        }
        const chunk = parseChunk(event.data, protocol);
        const failure = failureIn(chunk, protocol, hasContent);
        if (failure) throw failure;
        if (typeof chunk.model === 'string' && chunk.model !== '') model = chunk.model;
        if (isObject(chunk.usage)) usage = chunk.usage;
        const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
        if (!isObject(choice)) continue;
        if (choice.finish_reason) finishReason = choice.finish_reason;
        const delta = isObject(choice.delta) ? choice.delta : {};
        const content = text(delta.content) || text(delta.refusal);
        if (delta.refusal) finishReason = 'content_filter';
        if (content !== '') {
          hasContent = true;
          yield { type: 'delta', content };
        }
        for (const piece of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
          if (!isObject(piece) || typeof piece.index !== 'number') continue;
          const fn = isObject(piece.function) ? piece.function : {};
          hasContent = true;
          yield {
            type: 'tool_call',
            index: piece.index,
            ...(typeof piece.id === 'string' ? { id: piece.id } : {}),
            ...(typeof fn.name === 'string' ? { name: fn.name } : {}),
            arguments: text(fn.arguments),
          };
        }
      }
    } catch (error) {
      if (!(isDone && error instanceof UpstreamError && error.kind === 'broken_stream')) throw error;
    }
    if (!isDone) {
      throw new UpstreamError(
        `${label(protocol)} ended the stream before data: [DONE]`,
        'broken_stream',
        200,
        protocol,
      );
    }
    yield { type: 'done', usage: usageOf(usage), doneReason: doneReasonOf(finishReason), model };
  };
}

/** OpenAI or another upstream of the same protocol (DeepSeek), by name. */
export function createOpenAIProtocolProvider(name: OpenAIProtocolName): ChatProvider {
  return { name, chat: createChat(name) };
}

export const openaiProvider: ChatProvider = createOpenAIProtocolProvider('openai');
export const deepseekProvider: ChatProvider = createOpenAIProtocolProvider('deepseek');
