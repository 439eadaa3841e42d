// The Responses API's answers: the response object (as returned, stored and carried by its
// lifecycle events), its output items, and the stream's server-sent events.
import { randomBytes } from 'node:crypto';
import type { Usage } from '../providers/types.ts';
import type { ResponsesCall } from './responses.ts';

type JsonObject = Record<string, unknown>;

/** An id as OpenAI's Responses API makes them: a prefix and 48 hex digits. */
export const responsesId = (prefix: 'resp' | 'msg' | 'fc') => `${prefix}_${randomBytes(24).toString('hex')}`;

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: never[];
  logprobs: never[];
}

export interface MessageItem {
  type: 'message';
  id: string;
  status: 'in_progress' | 'completed' | 'incomplete';
  role: 'assistant';
  content: OutputText[];
}

export interface FunctionCallItem {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: 'in_progress' | 'completed' | 'incomplete';
}

export type OutputItem = MessageItem | FunctionCallItem;

export const outputText = (text: string): OutputText => ({
  type: 'output_text',
  text,
  annotations: [],
  logprobs: [],
});

export const responsesUsage = (usage: Usage) => ({
  input_tokens: usage.promptTokens,
  input_tokens_details: { cached_tokens: usage.cachedPromptTokens },
  output_tokens: usage.completionTokens,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: usage.promptTokens + usage.completionTokens,
});

export interface ResponseFacts {
  id: string;
  createdAt: number;
  model: string;
  call: ResponsesCall;
  status: 'in_progress' | 'completed' | 'incomplete';
  output: OutputItem[];
  usage: Usage | null;
  /** Whether this response is kept (false also when it turned out too large to keep). */
  store: boolean;
}

/** The response object, as the API returns it and as its lifecycle events carry it. */
export function responseObject(facts: ResponseFacts) {
  const { echo } = facts.call;
  return {
    id: facts.id,
    object: 'response' as const,
    created_at: facts.createdAt,
    status: facts.status,
    background: false,
    error: null,
    incomplete_details: facts.status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: facts.call.instructions,
    max_output_tokens: echo.maxOutputTokens,
    max_tool_calls: null,
    model: facts.model,
    output: facts.output,
    parallel_tool_calls: echo.parallelToolCalls,
    previous_response_id: facts.call.previousResponseId,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: facts.store,
    temperature: echo.temperature,
    text: echo.text,
    tool_choice: echo.toolChoice,
    tools: echo.tools,
    top_p: echo.topP,
    truncation: 'disabled',
    usage: facts.usage ? responsesUsage(facts.usage) : null,
    user: echo.user,
    metadata: echo.metadata,
  };
}

/**
 * A stored response object with its fields in the order responseObject writes them (a jsonb
 * column keeps its own order), so a replay sends the same text the stream sent.
 */
export function inResponseOrder(stored: JsonObject): JsonObject {
  const ordered: JsonObject = {};
  for (const key of RESPONSE_FIELDS) if (key in stored) ordered[key] = stored[key];
  for (const [key, value] of Object.entries(stored)) if (!(key in ordered)) ordered[key] = value;
  const usage = ordered.usage as JsonObject | null | undefined;
  if (usage && typeof usage === 'object') {
    const inOrder: JsonObject = {};
    for (const key of USAGE_FIELDS) if (key in usage) inOrder[key] = usage[key];
    ordered.usage = { ...inOrder, ...usage };
  }
  return ordered;
}

const RESPONSE_FIELDS = Object.keys(
  responseObject({
    id: '',
    createdAt: 0,
    model: '',
    call: { instructions: null, previousResponseId: null, echo: {} } as unknown as ResponsesCall,
    status: 'completed',
    output: [],
    usage: null,
    store: false,
  }),
);
const USAGE_FIELDS = Object.keys(
  responsesUsage({ promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0 }),
);

/** One server-sent event of a Responses stream: `event:` names the type, as OpenAI sends them. */
export const responsesEvent = (type: string, sequence: number, fields: JsonObject): string =>
  `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...fields })}\n\n`;
