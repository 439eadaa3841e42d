// OpenAI's Responses API (POST /v1/responses): the request (input as a string or as items:
// messages, function_call and function_call_output; instructions; function tools; a stored
// chain's items before them) turned into a ChatCall. The answers are response-object.ts's.
import { PlatformErrors } from '../../platform/errors.ts';
import type { ChatCall, ChatMessage, ToolCall, ToolChoice, ToolDefinition } from '../providers/types.ts';
import { MAX_TOOLS } from './openai.ts';
import { storedInputItems } from './responses-items.ts';
import { pairToolResults } from './tool-calls.ts';

type JsonObject = Record<string, unknown>;

export const MAX_INPUT_ITEMS = 2048;
/** The most item_reference items one request may hold (each is looked up among stored responses). */
export const MAX_ITEM_REFERENCES = 256;

export interface ResponsesCall extends ChatCall {
  instructions: string | null;
  previousResponseId: string | null;
  /** Whether the response is kept for previous_response_id (`store`, true unless false). */
  store: boolean;
  /** The request's own input as stored items (responses-items.ts). */
  inputItems: Record<string, unknown>[];
  /** What the response object repeats of the request. */
  echo: {
    maxOutputTokens: number | null;
    temperature: number;
    topP: number;
    toolChoice: unknown;
    tools: unknown[];
    parallelToolCalls: boolean;
    text: unknown;
    metadata: JsonObject;
    user: string | null;
  };
}

const invalid = (message: string, field: string) => PlatformErrors.validation(message, { field });
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const present = (value: unknown) => value !== undefined && value !== null;

const RESPONSE_ID = /^resp_[A-Za-z0-9_-]{1,95}$/;
const DATA_URL = /^data:image\/[\w.+-]+;base64,(.*)$/s;
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The text and images of a message's content (a string or a list of parts). */
function contentOf(content: unknown, field: string): { text: string; images: string[] } {
  if (typeof content === 'string') return { text: content, images: [] };
  if (!Array.isArray(content)) throw invalid(`${field} must be a string or a list of content parts`, field);
  const texts: string[] = [];
  const images: string[] = [];
  content.forEach((part, i) => {
    const where = `${field}[${i}]`;
    if (!isObject(part)) throw invalid(`${where} must be an object`, where);
    if (part.type === 'input_text' || part.type === 'output_text' || part.type === 'text') {
      if (typeof part.text !== 'string') throw invalid(`${where}.text must be a string`, where);
      texts.push(part.text);
    } else if (part.type === 'refusal') {
      if (typeof part.refusal !== 'string') throw invalid(`${where}.refusal must be a string`, where);
      texts.push(part.refusal);
    } else if (part.type === 'input_image') {
      const data = typeof part.image_url === 'string' ? DATA_URL.exec(part.image_url)?.[1] : undefined;
      if (data === undefined)
        throw invalid(
          `${where}.image_url must be a base64 data: URL (remote images and file ids are not fetched)`,
          where,
        );
      images.push(data);
    } else {
      throw invalid(`${where}.type must be input_text, output_text, refusal or input_image`, where);
    }
  });
  return { text: texts.join('\n'), images };
}

const ROLES: Record<string, ChatMessage['role']> = {
  user: 'user',
  system: 'system',
  developer: 'system',
  assistant: 'assistant',
};

/** A request's own input: a string or 1 to MAX_INPUT_ITEMS items (a stored chain adds its own). */
function checkInput(input: unknown): void {
  if (typeof input === 'string') return;
  if (!Array.isArray(input) || input.length === 0)
    throw invalid('input must be a string or a non-empty list of items', 'input');
  if (input.length > MAX_INPUT_ITEMS)
    throw invalid(`input may hold at most ${MAX_INPUT_ITEMS} items`, 'input');
}

const userText = (text: string) => ({ type: 'message', role: 'user', content: text });

/** The conversation the items describe; consecutive function calls belong to one assistant turn. */
function messagesOf(input: unknown[], firstNew: number): ChatMessage[] {
  const messages: ChatMessage[] = [];
  input.forEach((item, i) => {
    // Stored items passed this check when they were new: an error names the request's own item.
    const where = `input[${i - firstNew}]`;
    if (!isObject(item)) throw invalid(`${where} must be an object`, where);
    const type = item.type ?? 'message';
    if (type === 'message') {
      const role = typeof item.role === 'string' ? ROLES[item.role] : undefined;
      if (!role) throw invalid(`${where}.role must be user, system, developer or assistant`, `${where}.role`);
      const { text, images } = contentOf(item.content, `${where}.content`);
      messages.push({ role, content: text, ...(images.length > 0 ? { images } : {}) });
    } else if (type === 'function_call') {
      if (
        typeof item.call_id !== 'string' ||
        typeof item.name !== 'string' ||
        typeof item.arguments !== 'string'
      )
        throw invalid(`${where} must have call_id, name and arguments (JSON text)`, where);
      const call: ToolCall = { id: item.call_id, name: item.name, arguments: item.arguments };
      const last = messages.at(-1);
      // A model's text and its calls are one assistant turn, as Chat Completions carries them.
      if (last?.role === 'assistant') last.toolCalls = [...(last.toolCalls ?? []), call];
      else messages.push({ role: 'assistant', content: '', toolCalls: [call] });
    } else if (type === 'function_call_output') {
      if (typeof item.call_id !== 'string') throw invalid(`${where}.call_id is required`, `${where}.call_id`);
      // The output is text, a list of content parts, or (newer SDKs) one part.
      const raw = isObject(item.output) ? [item.output] : item.output;
      const output = typeof raw === 'string' ? raw : contentOf(raw, `${where}.output`).text;
      messages.push({ role: 'tool', content: output, toolCallId: item.call_id });
    } else if (type === 'reasoning') {
      // A model's reasoning summary from an earlier turn: no upstream here takes it back.
    } else {
      throw invalid(
        `${where}.type ${String(type)} is not supported (message, function_call, function_call_output, item_reference)`,
        `${where}.type`,
      );
    }
  });
  return messages;
}

function toolsOf(value: unknown): ToolDefinition[] | undefined {
  if (!present(value)) return undefined;
  if (!Array.isArray(value)) throw invalid('tools must be a list', 'tools');
  if (value.length > MAX_TOOLS) throw invalid(`tools may hold at most ${MAX_TOOLS} tools`, 'tools');
  const tools = value.map((tool, i): ToolDefinition => {
    const where = `tools[${i}]`;
    if (!isObject(tool) || tool.type !== 'function')
      throw invalid(`${where}.type must be "function" (hosted tools are not available here)`, where);
    if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name))
      throw invalid(`${where}.name must be 1 to 64 letters, digits, _ or -`, where);
    if (present(tool.parameters) && !isObject(tool.parameters))
      throw invalid(`${where}.parameters must be a JSON schema object`, where);
    return {
      name: tool.name,
      ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
      parameters: isObject(tool.parameters) ? tool.parameters : { type: 'object', properties: {} },
      ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}),
    };
  });
  return tools.length > 0 ? tools : undefined;
}

function toolChoiceOf(value: unknown, tools: ToolDefinition[] | undefined): ToolChoice | undefined {
  if (!present(value)) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return value;
  if (isObject(value) && value.type === 'function' && typeof value.name === 'string') {
    if (!tools?.some((t) => t.name === value.name))
      throw invalid('tool_choice names a tool that is not in tools', 'tool_choice');
    return { name: value.name };
  }
  throw invalid('tool_choice must be "auto", "none", "required" or {type: "function", name}', 'tool_choice');
}

function formatOf(text: unknown): ChatCall['format'] {
  if (!present(text)) return undefined;
  if (!isObject(text)) throw invalid('text must be an object', 'text');
  const format = text.format;
  if (!present(format)) return undefined;
  if (!isObject(format)) throw invalid('text.format must be an object', 'text.format');
  if (format.type === 'text') return undefined;
  if (format.type === 'json_object') return 'json';
  if (format.type === 'json_schema') {
    if (!isObject(format.schema))
      throw invalid('text.format.schema must be a JSON schema object', 'text.format');
    return format.schema;
  }
  throw invalid('text.format.type must be text, json_object or json_schema', 'text.format.type');
}

function numberIn(body: JsonObject, key: string, min: number, max: number, integer = false) {
  const value = body[key];
  if (!present(value)) return undefined;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  )
    throw invalid(`${key} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`, key);
  return value;
}

/** The response a request continues (`previous_response_id`), checked before the chain is read. */
export function previousResponseIdOf(value: unknown): string | null {
  if (!isObject(value)) throw invalid('The request body must be a JSON object', 'body');
  const id = value.previous_response_id;
  if (!present(id)) return null;
  if (typeof id !== 'string' || !RESPONSE_ID.test(id))
    throw invalid('previous_response_id must be the id of a response (resp_…)', 'previous_response_id');
  return id;
}

/** An `item_reference` input item: the id of an item of one of the caller's stored responses. */
export interface ItemReference {
  /** Its place in `input`. */
  index: number;
  id: string;
}

/** The request's item_reference items, checked (at most MAX_ITEM_REFERENCES), before any is looked up. */
export function itemReferencesOf(value: unknown): ItemReference[] {
  if (!isObject(value) || !Array.isArray(value.input)) return [];
  const references: ItemReference[] = [];
  value.input.forEach((item, index) => {
    if (!isObject(item) || item.type !== 'item_reference') return;
    if (typeof item.id !== 'string' || item.id.length === 0 || item.id.length > 200)
      throw invalid(
        `input[${index}].id must be the id of an item (1 to 200 characters)`,
        `input[${index}].id`,
      );
    references.push({ index, id: item.id });
  });
  if (references.length > MAX_ITEM_REFERENCES)
    throw invalid(`input may hold at most ${MAX_ITEM_REFERENCES} item_reference items`, 'input');
  return references;
}

/** The body with each item_reference replaced by the item it names (`items` by id, all present). */
export function withReferencedItems(
  value: Record<string, unknown>,
  references: readonly ItemReference[],
  items: ReadonlyMap<string, unknown>,
): Record<string, unknown> {
  if (references.length === 0) return value;
  const input = [...(value.input as unknown[])];
  for (const { index, id } of references) input[index] = items.get(id);
  return { ...value, input };
}

/**
 * The request as a chat call. `previous` are the items of the stored responses it continues
 * (their input and output items, oldest first); they go before the new input.
 */
export function parseResponses(value: unknown, previous: readonly unknown[] = []): ResponsesCall {
  const previousResponseId = previousResponseIdOf(value);
  const body = value as JsonObject;
  if (present(body.model) && typeof body.model !== 'string') throw invalid('model must be a string', 'model');
  if (present(body.instructions) && typeof body.instructions !== 'string')
    throw invalid('instructions must be a string', 'instructions');
  for (const key of ['stream', 'parallel_tool_calls', 'store'] as const)
    if (present(body[key]) && typeof body[key] !== 'boolean') throw invalid(`${key} must be a boolean`, key);
  const instructions =
    typeof body.instructions === 'string' && body.instructions !== '' ? body.instructions : null;
  checkInput(body.input);
  const input = typeof body.input === 'string' ? [userText(body.input)] : (body.input as unknown[]);
  const conversation = messagesOf([...previous, ...input], previous.length);
  const messages = pairToolResults([
    ...(instructions ? [{ role: 'system' as const, content: instructions }] : []),
    ...conversation,
  ]);
  const tools = toolsOf(body.tools);
  const toolChoice = toolChoiceOf(body.tool_choice, tools);
  const maxTokens = numberIn(body, 'max_output_tokens', 1, 1_000_000, true);
  const temperature = numberIn(body, 'temperature', 0, 2);
  const topP = numberIn(body, 'top_p', 0, 1);
  const format = formatOf(body.text);
  const call: ChatCall = {
    model: typeof body.model === 'string' ? body.model.trim() : '',
    messages,
    stream: body.stream === true,
    ...(format !== undefined ? { format } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(tools ? { tools } : {}),
    ...(toolChoice ? { toolChoice } : {}),
    ...(typeof body.parallel_tool_calls === 'boolean' ? { parallelToolCalls: body.parallel_tool_calls } : {}),
  };
  return {
    ...call,
    instructions,
    previousResponseId,
    store: body.store !== false,
    inputItems: storedInputItems(body.input),
    echo: {
      maxOutputTokens: maxTokens ?? null,
      temperature: temperature ?? 1,
      topP: topP ?? 1,
      toolChoice: body.tool_choice ?? 'auto',
      tools: Array.isArray(body.tools) ? body.tools : [],
      parallelToolCalls: body.parallel_tool_calls !== false,
      text: isObject(body.text) && isObject(body.text.format) ? body.text : { format: { type: 'text' } },
      metadata: isObject(body.metadata) ? body.metadata : {},
      user: typeof body.user === 'string' ? body.user : null,
    },
  };
}
