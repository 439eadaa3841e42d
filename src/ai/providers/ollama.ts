// The Ollama upstream: POST /api/chat, its NDJSON stream read object by object as the bytes
// arrive, and the final object's counts turned into Usage.

import { argumentsObject, toolCallId } from '../formats/tool-calls.ts';
import { endpoint, postJson, textLines } from './http.ts';
import {
  type ChatCall,
  type ChatEvent,
  type ChatMessage,
  type ChatProvider,
  type DoneReason,
  type ProviderTarget,
  type Timings,
  type ToolDefinition,
  UpstreamError,
} from './types.ts';

/** The non-blank lines of an NDJSON body, one JSON text each, as soon as each is complete. */
export async function* ndjsonLines(stream: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  for await (const line of textLines(stream)) {
    if (line.trim() !== '') yield line;
  }
}

function toWireMessage(message: ChatMessage): Record<string, unknown> {
  const { role, content, images, toolCalls, toolName } = message;
  const wire: Record<string, unknown> = { role, content };
  if (images && images.length > 0) wire.images = images;
  if (toolCalls && toolCalls.length > 0) {
    wire.tool_calls = toolCalls.map((call, index) => ({
      id: call.id,
      function: { index, name: call.name, arguments: argumentsObject(call.arguments) },
    }));
  }
  if (role === 'tool' && toolName) wire.tool_name = toolName;
  return wire;
}

/**
 * The tools a call offers Ollama. Ollama has no tool_choice: "none" offers none, a named tool
 * offers only that one; "required" cannot be enforced and offers them all.
 */
function offeredTools(call: ChatCall): ToolDefinition[] {
  const tools = call.tools ?? [];
  const choice = call.toolChoice;
  if (choice === 'none') return [];
  if (typeof choice === 'object') return tools.filter((t) => t.name === choice.name);
  return tools;
}

/** The body of POST /api/chat for a call. */
export function ollamaChatBody(call: ChatCall): Record<string, unknown> {
  // The caller's own Ollama options go first; the neutral fields (from either format) win.
  const options: Record<string, unknown> = { ...(call.ollama?.options ?? {}) };
  if (call.temperature !== undefined) options.temperature = call.temperature;
  if (call.topP !== undefined) options.top_p = call.topP;
  if (call.maxTokens !== undefined) options.num_predict = call.maxTokens;
  if (call.stop !== undefined && call.stop.length > 0) options.stop = call.stop;
  if (call.seed !== undefined) options.seed = call.seed;
  const tools = offeredTools(call);
  return {
    model: call.model,
    messages: call.messages.map(toWireMessage),
    stream: call.stream,
    ...(tools.length > 0
      ? {
          tools: tools.map((t) => ({
            type: 'function',
            function: {
              name: t.name,
              ...(t.description !== undefined ? { description: t.description } : {}),
              parameters: t.parameters,
            },
          })),
        }
      : {}),
    ...(call.format !== undefined ? { format: call.format } : {}),
    ...(Object.keys(options).length > 0 ? { options } : {}),
    ...(call.ollama?.keepAlive !== undefined ? { keep_alive: call.ollama.keepAlive } : {}),
    ...(call.ollama?.think !== undefined ? { think: call.ollama.think } : {}),
  };
}

/** Tool calls of one chat object, as whole-call pieces numbered from `first`. */
function toolCallsOf(object: OllamaChatObject, first: number): ChatEvent[] {
  const calls = Array.isArray(object.message?.tool_calls) ? object.message.tool_calls : [];
  return calls.flatMap((call, i): ChatEvent[] => {
    const fn =
      typeof call === 'object' && call !== null ? (call as { function?: unknown }).function : undefined;
    if (typeof fn !== 'object' || fn === null) return [];
    const { name, arguments: args } = fn as { name?: unknown; arguments?: unknown };
    if (typeof name !== 'string') return [];
    const id = (call as { id?: unknown }).id;
    return [
      {
        type: 'tool_call',
        index: first + i,
        id: typeof id === 'string' && id !== '' ? id : toolCallId(),
        name,
        arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
      },
    ];
  });
}

interface OllamaChatObject {
  model?: unknown;
  message?: { content?: unknown; tool_calls?: unknown[] };
  done?: unknown;
  done_reason?: unknown;
  prompt_eval_count?: unknown;
  eval_count?: unknown;
  total_duration?: unknown;
  load_duration?: unknown;
  prompt_eval_duration?: unknown;
  eval_duration?: unknown;
  error?: unknown;
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** `shown`: the text the value came from, or how to write it (only an error needs it). */
function asObject(value: unknown, shown: string | (() => string)): OllamaChatObject {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as OllamaChatObject;
  const text = typeof shown === 'string' ? shown : shown();
  throw new UpstreamError(
    `Ollama sent something that is not a JSON object: ${text.slice(0, 200)}`,
    'broken_stream',
    200,
    'ollama',
  );
}

function parseLine(line: string): OllamaChatObject {
  try {
    return asObject(JSON.parse(line), line);
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    return asObject(undefined, line);
  }
}

/** The content of a chat object, '' when it carries none. */
const contentOf = (object: OllamaChatObject): string =>
  typeof object.message?.content === 'string' ? object.message.content : '';

/** The 'done' event of Ollama's last object. A prompt served from Ollama's KV cache may omit prompt_eval_count. */
function doneEvent(object: OllamaChatObject, fallbackModel: string, hasToolCalls = false): ChatEvent {
  const doneReason: DoneReason = hasToolCalls
    ? 'tool_calls'
    : object.done_reason === 'length'
      ? 'length'
      : 'stop';
  const timings: Timings = {};
  const durations = [
    ['totalNs', object.total_duration],
    ['loadNs', object.load_duration],
    ['promptEvalNs', object.prompt_eval_duration],
    ['evalNs', object.eval_duration],
  ] as const;
  for (const [key, value] of durations)
    if (typeof value === 'number' && Number.isFinite(value)) timings[key] = value;
  return {
    type: 'done',
    usage: {
      promptTokens: count(object.prompt_eval_count),
      completionTokens: count(object.eval_count),
      cachedPromptTokens: 0,
    },
    doneReason,
    model: typeof object.model === 'string' ? object.model : fallbackModel,
    ...(Object.keys(timings).length > 0 ? { timings } : {}),
  };
}

/** Ollama reports failures inside a stream as `{"error": "..."}`. */
function inStreamError(object: OllamaChatObject, hasContent: boolean): UpstreamError | undefined {
  if (object.error === undefined) return undefined;
  const message = typeof object.error === 'string' ? object.error : JSON.stringify(object.error);
  // Before any content nothing reached a model's output, so another instance may try.
  return new UpstreamError(
    `Ollama failed during the answer: ${message}`,
    hasContent ? 'broken_stream' : 'server_error',
    200,
    'ollama',
  );
}

async function* chat(target: ProviderTarget, call: ChatCall, signal: AbortSignal): AsyncGenerator<ChatEvent> {
  const response = await postJson(endpoint(target.baseUrl, '/api/chat'), ollamaChatBody(call), {
    signal,
    provider: 'ollama',
    headers: target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {},
  });

  if (!call.stream) {
    const value = await response.json();
    const object = asObject(value, () => JSON.stringify(value) ?? '');
    const failure = inStreamError(object, false);
    if (failure) throw failure;
    const content = contentOf(object);
    if (content !== '') yield { type: 'delta', content };
    const calls = toolCallsOf(object, 0);
    yield* calls;
    yield doneEvent(object, call.model, calls.length > 0);
    return;
  }

  let final: OllamaChatObject | undefined;
  let hasContent = false;
  let toolCalls = 0;
  try {
    for await (const line of ndjsonLines(response.body)) {
      const object = parseLine(line);
      const failure = inStreamError(object, hasContent);
      if (failure) throw failure;
      const content = contentOf(object);
      if (content !== '') {
        hasContent = true;
        yield { type: 'delta', content };
      }
      const calls = toolCallsOf(object, toolCalls);
      if (calls.length > 0) {
        hasContent = true;
        toolCalls += calls.length;
        yield* calls;
      }
      // Read on to the end of the body rather than stop here, so the connection can be reused.
      if (object.done === true) final = object;
    }
  } catch (error) {
    // The last object arrived; only the end of the body was lost.
    if (!(final && error instanceof UpstreamError && error.kind === 'broken_stream')) throw error;
  }
  if (!final) {
    throw new UpstreamError(
      'Ollama ended the stream before its final object',
      'broken_stream',
      200,
      'ollama',
    );
  }
  yield doneEvent(final, call.model, toolCalls > 0);
}

export const ollamaProvider: ChatProvider = {
  name: 'ollama',
  chat,
};
