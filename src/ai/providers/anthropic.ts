// The Anthropic Messages upstream: system messages lifted into `system`, answers read whole or
// as the SSE event sequence, usage counted with the prompt cache.
//
// Structured output: the Messages API has no `format`. The JSON instruction (with the schema)
// goes into `system` and the answer is prefilled with `{` (or `[` for an array schema), which
// makes the model continue a JSON value instead of opening with prose. The prefill is put in
// front of the first delta, so the text the caller gets is the whole JSON.
// This works on every Claude model the gateway routes to; Anthropic's newer native structured
// outputs are model- and beta-dependent, so they are not used.
import { argumentsObject } from '../formats/tool-calls.ts';
import { endpoint, postJson, sseEvents } from './http.ts';
import { imageMediaType, jsonInstruction } from './openai.ts';
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

type JsonObject = Record<string, unknown>;

export const ANTHROPIC_VERSION = '2023-06-01';
/** The Messages API requires max_tokens; this bounds an answer when the caller set none. */
export const DEFAULT_MAX_TOKENS = 1024;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function toWireMessage({ role, content, images, toolCalls, toolCallId }: ChatMessage): JsonObject {
  if (role === 'tool' && toolCallId) {
    return { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolCallId, content }] };
  }
  if (role === 'assistant' && toolCalls && toolCalls.length > 0) {
    return {
      role,
      content: [
        ...(content !== '' ? [{ type: 'text', text: content }] : []),
        ...toolCalls.map((call) => ({
          type: 'tool_use',
          id: call.id,
          name: call.name,
          input: argumentsObject(call.arguments),
        })),
      ],
    };
  }
  // A tool result without the id of its call goes as user text.
  const wireRole = role === 'assistant' ? 'assistant' : 'user';
  if (!images || images.length === 0) return { role: wireRole, content };
  return {
    role: wireRole,
    content: [
      ...images.map((data) => ({
        type: 'image',
        source: { type: 'base64', media_type: imageMediaType(data), data },
      })),
      ...(content !== '' ? [{ type: 'text', text: content }] : []),
    ],
  };
}

/** How a JSON answer of this format starts, or undefined when it need not be an object or array. */
function prefillFor(format: ChatCall['format']): string | undefined {
  if (format === undefined) return undefined;
  if (format === 'json' || format.type === 'object' || isObject(format.properties)) return '{';
  if (format.type === 'array') return '[';
  return undefined;
}

/** Consecutive tool results travel in one user message, as the Messages API expects them. */
function mergeToolResults(messages: JsonObject[]): JsonObject[] {
  const merged: JsonObject[] = [];
  const isResults = (m: JsonObject | undefined) =>
    m?.role === 'user' &&
    Array.isArray(m.content) &&
    m.content.every((b) => isObject(b) && b.type === 'tool_result');
  for (const message of messages) {
    const last = merged.at(-1);
    if (last && isResults(last) && isResults(message)) {
      merged[merged.length - 1] = {
        ...last,
        content: [...(last.content as unknown[]), ...(message.content as unknown[])],
      };
    } else merged.push(message);
  }
  return merged;
}

function toolChoiceOf(call: ChatCall): JsonObject | undefined {
  const choice = call.toolChoice;
  const parallel = call.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any', ...parallel };
  if (typeof choice === 'object') return { type: 'tool', name: choice.name, ...parallel };
  if (choice === 'auto' || call.parallelToolCalls === false) return { type: 'auto', ...parallel };
  return undefined;
}

/** The body of POST /v1/messages for a call, and the text the answer was prefilled with. */
export function anthropicMessagesBody(call: ChatCall): { body: JsonObject; prefill: string } {
  const system = call.messages.filter((m) => m.role === 'system').map((m) => m.content);
  const messages = mergeToolResults(call.messages.filter((m) => m.role !== 'system').map(toWireMessage));
  let prefill = '';
  if (call.format !== undefined) {
    system.push(jsonInstruction(call.format));
    // A caller's own prefill (a last assistant message) is left as it is.
    const start = prefillFor(call.format);
    if (start && messages.at(-1)?.role !== 'assistant') {
      prefill = start;
      messages.push({ role: 'assistant', content: start });
    }
  }
  const body: JsonObject = {
    model: call.model,
    max_tokens: call.maxTokens ?? DEFAULT_MAX_TOKENS,
    messages,
  };
  if (system.length > 0) body.system = system.join('\n\n');
  if (call.tools && call.tools.length > 0) {
    body.tools = call.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      input_schema: tool.parameters,
    }));
    const choice = toolChoiceOf(call);
    if (choice) body.tool_choice = choice;
  }
  // Recent models refuse temperature and top_p together; temperature is the one callers mean.
  if (call.temperature !== undefined) body.temperature = call.temperature;
  else if (call.topP !== undefined) body.top_p = call.topP;
  if (call.stop !== undefined && call.stop.length > 0) body.stop_sequences = call.stop;
  // No seed in the Messages API: it is dropped.
  if (call.stream) body.stream = true;
  return { body, prefill };
}

export function doneReasonOf(stopReason: unknown): DoneReason {
  if (stopReason === 'tool_use') return 'tool_calls';
  if (stopReason === 'max_tokens' || stopReason === 'model_context_window_exceeded') return 'length';
  if (stopReason === 'refusal') return 'content_filter';
  return 'stop';
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Counts of one usage object; message_delta repeats them as running totals, so later ones win. */
interface Counts {
  input: number;
  cacheRead: number;
  cacheCreation: number;
  output: number;
}

function mergeCounts(counts: Counts, usage: unknown): Counts {
  if (!isObject(usage)) return counts;
  const pick = (key: string, previous: number) => (usage[key] === undefined ? previous : count(usage[key]));
  return {
    input: pick('input_tokens', counts.input),
    cacheRead: pick('cache_read_input_tokens', counts.cacheRead),
    cacheCreation: pick('cache_creation_input_tokens', counts.cacheCreation),
    output: pick('output_tokens', counts.output),
  };
}

/** input_tokens counts only the uncached part of the prompt: the whole prompt adds both cache counts. */
const usageOf = (counts: Counts): Usage => ({
  promptTokens: counts.input + counts.cacheRead + counts.cacheCreation,
  completionTokens: counts.output,
  cachedPromptTokens: counts.cacheRead,
});

const NO_COUNTS: Counts = { input: 0, cacheRead: 0, cacheCreation: 0, output: 0 };

function parseEvent(data: string): JsonObject {
  try {
    const value = JSON.parse(data) as unknown;
    if (isObject(value)) return value;
  } catch {
    // Reported below.
  }
  throw new UpstreamError(
    `Anthropic sent something that is not a JSON object: ${data.slice(0, 200)}`,
    'broken_stream',
    200,
    'anthropic',
  );
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

async function* chat(target: ProviderTarget, call: ChatCall, signal: AbortSignal): AsyncGenerator<ChatEvent> {
  const { body, prefill } = anthropicMessagesBody(call);
  const response = await postJson(endpoint(target.baseUrl, '/v1/messages'), body, {
    signal,
    provider: 'anthropic',
    headers: {
      ...(target.apiKey ? { 'x-api-key': target.apiKey } : {}),
      'anthropic-version': ANTHROPIC_VERSION,
      accept: call.stream ? 'text/event-stream' : 'application/json',
    },
  });

  if (!call.stream) {
    const value = await response.json();
    const message = isObject(value) ? value : parseEvent(JSON.stringify(value) ?? '');
    const blocks = Array.isArray(message.content) ? message.content : [];
    const answer = blocks
      .filter((block) => isObject(block) && block.type === 'text')
      .map((block) => text((block as JsonObject).text))
      .join('');
    const content = prefill + answer;
    if (content !== '') yield { type: 'delta', content };
    const uses = blocks.filter((block): block is JsonObject => isObject(block) && block.type === 'tool_use');
    for (const [index, use] of uses.entries()) {
      yield {
        type: 'tool_call',
        index,
        id: text(use.id),
        name: text(use.name),
        arguments: JSON.stringify(use.input ?? {}),
      };
    }
    yield {
      type: 'done',
      usage: usageOf(mergeCounts(NO_COUNTS, message.usage)),
      doneReason: doneReasonOf(message.stop_reason),
      model: text(message.model) || call.model,
    };
    return;
  }

  // The prefill goes out with the first text, so a failure before any text still leaves nothing sent.
  let pendingPrefill = prefill;
  let counts = NO_COUNTS;
  let model = call.model;
  let stopReason: unknown;
  let isStopped = false;
  let hasContent = false;
  /** Content block index → tool call index. */
  const toolIndexes = new Map<number, number>();
  try {
    for await (const sse of sseEvents(response.body)) {
      const event = parseEvent(sse.data);
      switch (event.type) {
        case 'message_start': {
          const message = isObject(event.message) ? event.message : {};
          if (text(message.model) !== '') model = text(message.model);
          counts = mergeCounts(counts, message.usage);
          break;
        }
        case 'content_block_start': {
          const block = isObject(event.content_block) ? event.content_block : {};
          if (block.type === 'tool_use' && typeof event.index === 'number') {
            hasContent = true;
            const index = toolIndexes.size;
            toolIndexes.set(event.index, index);
            yield { type: 'tool_call', index, id: text(block.id), name: text(block.name), arguments: '' };
          }
          break;
        }
        case 'content_block_delta': {
          const delta = isObject(event.delta) ? event.delta : {};
          const toolIndex = typeof event.index === 'number' ? toolIndexes.get(event.index) : undefined;
          if (
            delta.type === 'input_json_delta' &&
            toolIndex !== undefined &&
            text(delta.partial_json) !== ''
          ) {
            yield { type: 'tool_call', index: toolIndex, arguments: text(delta.partial_json) };
          }
          if (delta.type === 'text_delta' && text(delta.text) !== '') {
            hasContent = true;
            yield { type: 'delta', content: pendingPrefill + text(delta.text) };
            pendingPrefill = '';
          }
          break;
        }
        case 'message_delta': {
          counts = mergeCounts(counts, event.usage);
          if (isObject(event.delta) && event.delta.stop_reason) stopReason = event.delta.stop_reason;
          break;
        }
        case 'message_stop':
          // Read on to the end of the body, so the connection can be reused.
          isStopped = true;
          break;
        case 'error': {
          const error = isObject(event.error) ? event.error : {};
          // Before any content (an overloaded model, say) nothing was generated: another try may work.
          throw new UpstreamError(
            `Anthropic failed during the answer: ${text(error.message) || text(error.type) || 'no details given'}`,
            hasContent ? 'broken_stream' : 'server_error',
            200,
            'anthropic',
          );
        }
        default:
        // ping, content_block_stop: nothing to pass on.
      }
    }
  } catch (error) {
    if (!(isStopped && error instanceof UpstreamError && error.kind === 'broken_stream')) throw error;
  }
  if (!isStopped) {
    throw new UpstreamError(
      'Anthropic ended the stream before message_stop',
      'broken_stream',
      200,
      'anthropic',
    );
  }
  if (pendingPrefill !== '') yield { type: 'delta', content: pendingPrefill };
  yield { type: 'done', usage: usageOf(counts), doneReason: doneReasonOf(stopReason), model };
}

export const anthropicProvider: ChatProvider = {
  name: 'anthropic',
  chat,
};
