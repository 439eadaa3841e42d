// POST /v1/chat/completions: one JSON completion, or an SSE stream of chunks (role first, one
// word per chunk, then finish_reason, then with include_usage a chunk with empty choices and the
// usage) ending with `data: [DONE]`.
import { randomBytes } from 'node:crypto';
import { arrayField, field, isObject, numberField, stringField } from './body.ts';
import type { OpenAIOptions } from './openai-options.ts';
import type { Exchange } from './server.ts';
import {
  countWords,
  DEFAULT_TOKENS_PER_REPLY,
  echoReply,
  jsonReply,
  lastUserText,
  promptWords,
  splitPieces,
  textOf,
  truncateWords,
} from './text.ts';
import { functionTools, openaiChoice, plannedToolCalls } from './tools.ts';
import { openStream, sendJson, sleepWhileOpen, streamPieces, writeSse } from './wire.ts';

type OpenAIExchange = Exchange<OpenAIOptions>;

const FINGERPRINT = 'fp_standin01';

/** First messages seen before: a repeat is served "from the prompt cache". */
export class PromptCache {
  private readonly seen = new Set<string>();

  /** Words of `messages[0]` already cached, and remembers it for next time. */
  cachedWords(messages: readonly unknown[]): number {
    const first = messages[0];
    if (first === undefined) return 0;
    const key = JSON.stringify(first);
    const isHit = this.seen.has(key);
    if (this.seen.size >= 10_000) this.seen.clear();
    this.seen.add(key);
    return isHit ? countWords(textOf(field(first, 'content'))) : 0;
  }
}

function replyFormat(body: unknown): unknown {
  const format = field(body, 'response_format');
  const type = stringField(format, 'type');
  if (type === 'json_object') return 'json';
  if (type === 'json_schema') return field(field(format, 'json_schema'), 'schema') ?? 'json';
  return undefined;
}

function usageOf(options: OpenAIOptions, prompt: number, completion: number, cached: number) {
  const base = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (options.dialect === 'deepseek') {
    // DeepSeek reports its disk cache in its own fields, besides OpenAI's cached_tokens.
    return {
      ...base,
      prompt_tokens_details: { cached_tokens: cached },
      prompt_cache_hit_tokens: cached,
      prompt_cache_miss_tokens: prompt - cached,
    };
  }
  return {
    ...base,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export async function chatCompletion(exchange: OpenAIExchange, messages: unknown[], cache: PromptCache) {
  const { body, options, res } = exchange;
  const model = stringField(body, 'model') as string;
  const isStream = field(body, 'stream') === true;
  const includeUsage = field(field(body, 'stream_options'), 'include_usage') === true;
  const format = replyFormat(body);
  const last = messages.at(-1);
  const endsWithToolResult = stringField(last, 'role') === 'tool';
  const userText = lastUserText(messages);
  const calls = plannedToolCalls(
    functionTools(field(body, 'tools')),
    openaiChoice(field(body, 'tool_choice')),
    {
      userText,
      endsWithToolResult,
      parallel: field(body, 'parallel_tool_calls') !== false,
      echo: echoReply(userText, 1),
    },
  ).map((call) => ({
    id: `call_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`,
    type: 'function' as const,
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
  // After a tool result the model talks about the result.
  const echo = echoReply(
    endsWithToolResult ? textOf(field(last, 'content')) : userText,
    options.tokensPerReply ?? DEFAULT_TOKENS_PER_REPLY,
  );
  const full =
    calls.length > 0
      ? ''
      : (exchange.nextScripted() ?? (format === undefined ? echo : jsonReply(format, echo)));
  const limit = numberField(body, 'max_completion_tokens') ?? numberField(body, 'max_tokens');
  const { text, isCut } = truncateWords(full, limit);
  const finishReason = calls.length > 0 ? 'tool_calls' : isCut ? 'length' : 'stop';
  const prompt = promptWords(messages);
  const cachedWords = cache.cachedWords(messages);
  const cached = cachedWords === 0 ? 0 : Math.min(options.cachedPromptTokens ?? cachedWords, prompt);
  const callWords = calls.reduce((sum, c) => sum + countWords(c.function.arguments), 0);
  const usage = usageOf(options, prompt, countWords(text) + callWords, cached);
  const id = `chatcmpl-${randomBytes(12).toString('base64url')}`;
  const created = Math.floor(Date.now() / 1000);
  const headers = { 'x-request-id': `req_${randomBytes(12).toString('hex')}` };
  const pieces = splitPieces(text);

  if (!isStream) {
    await sleepWhileOpen(res, (options.chunkDelayMs ?? 0) * pieces.length);
    return sendJson(
      res,
      200,
      {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: calls.length > 0 ? null : text,
              refusal: null,
              annotations: [],
              ...(calls.length > 0 ? { tool_calls: calls } : {}),
            },
            logprobs: null,
            finish_reason: finishReason,
          },
        ],
        usage,
        service_tier: 'default',
        system_fingerprint: FINGERPRINT,
      },
      headers,
    );
  }

  // With include_usage every chunk carries `usage: null` until the last one.
  const chunk = (choices: unknown[], extra: object = includeUsage ? { usage: null } : {}) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
    choices,
    ...extra,
  });
  const choice = (delta: object, finish: string | null = null) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finish,
  });
  openStream(res, 'text/event-stream; charset=utf-8', headers);
  if (calls.length > 0) {
    // A call opens with its id, type, name and empty arguments; the arguments follow in pieces.
    writeSse(res, chunk([choice({ role: 'assistant', content: null, refusal: null })]));
    const pieces = calls.flatMap((call, index) => [
      { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } },
      ...(call.function.arguments.match(/.{1,8}/gs) ?? []).map((part) => ({
        index,
        function: { arguments: part },
      })),
    ]);
    const isSent = await streamPieces(
      exchange,
      pieces.map((p) => JSON.stringify(p)),
      (piece) => writeSse(res, chunk([choice({ tool_calls: [JSON.parse(piece)] })])),
    );
    if (!isSent) return;
  } else {
    writeSse(res, chunk([choice({ role: 'assistant', content: '', refusal: null })]));
    const isWhole = await streamPieces(exchange, pieces, (piece) =>
      writeSse(res, chunk([choice({ content: piece })])),
    );
    if (!isWhole) return;
  }
  writeSse(res, chunk([choice({}, finishReason)]));
  if (includeUsage) writeSse(res, chunk([], { usage }));
  writeSse(res, '[DONE]');
  res.end();
}

/** The request's messages, or an OpenAI error to answer with. */
export function validateChat(body: unknown): { messages: unknown[] } | { status: number; error: object } {
  const invalid = (message: string, param: string, code: string | null = null) => ({
    status: 400,
    error: { message, type: 'invalid_request_error', param, code },
  });
  if (!isObject(body)) return invalid('We could not parse the JSON body of your request.', 'body');
  if (stringField(body, 'model') === undefined) {
    return invalid("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  }
  const messages = arrayField(body, 'messages');
  if (!messages)
    return invalid("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (messages.length === 0) {
    return invalid(
      "Invalid 'messages': empty array. Expected an array with minimum length 1.",
      'messages',
      'empty_array',
    );
  }
  if (field(body, 'stream_options') !== undefined && field(body, 'stream') !== true) {
    return invalid(
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      'stream_options',
    );
  }
  return { messages };
}
