// POST /v1/messages: one Message, or the SSE sequence message_start, content_block_start, ping,
// content_block_delta (text_delta, one word each), content_block_stop, message_delta (stop_reason
// and the final usage), message_stop. Prompt caching follows `cache_control` breakpoints.
import { randomBytes } from 'node:crypto';
import { arrayField, field, isObject, numberField, stringField } from './body.ts';
import type { CommonOptions, Exchange } from './server.ts';
import {
  countWords,
  DEFAULT_TOKENS_PER_REPLY,
  echoReply,
  lastUserText,
  splitPieces,
  textOf,
  truncateWords,
} from './text.ts';
import { plannedToolCalls } from './tools.ts';
import { openStream, sendJson, sleepWhileOpen, streamPieces, writeSse } from './wire.ts';

export interface AnthropicOptions extends CommonOptions {
  /** Keys accepted in `x-api-key`; any other key gets 401. */
  apiKeys: string[];
  models: string[];
  /** Tokens reported as written to or read from the cache at a breakpoint; default: the prefix's words. */
  cachedPromptTokens?: number;
}

type AnthropicExchange = Exchange<AnthropicOptions>;

/** The prompt as blocks in order: the system blocks, then each message's blocks. */
function promptBlocks(body: unknown): unknown[] {
  const asBlocks = (content: unknown) =>
    typeof content === 'string' ? [{ type: 'text', text: content }] : content;
  const system = field(body, 'system');
  const blocks: unknown[] = system === undefined ? [] : [asBlocks(system)].flat();
  for (const message of arrayField(body, 'messages') ?? []) {
    const content = asBlocks(field(message, 'content'));
    if (Array.isArray(content)) blocks.push(...content);
  }
  return blocks;
}

/** Prefixes written so far: the same prefix up to a `cache_control` block is read, not written, next time. */
export class PromptCache {
  private readonly written = new Set<string>();

  /** Words of the prompt and how many of them were written to or read from the cache. */
  account(body: unknown, override: number | undefined) {
    const blocks = promptBlocks(body);
    const total = blocks.reduce<number>((sum, block) => sum + countWords(textOf([block])), 0);
    let breakpoint = -1;
    blocks.forEach((block, i) => {
      if (isObject(block) && block.cache_control !== undefined) breakpoint = i;
    });
    if (breakpoint < 0) return { total, created: 0, read: 0 };
    const prefix = blocks.slice(0, breakpoint + 1);
    const words = prefix.reduce<number>((sum, block) => sum + countWords(textOf([block])), 0);
    const cached = Math.min(override ?? words, total);
    const key = JSON.stringify(prefix);
    if (this.written.has(key)) return { total, created: 0, read: cached };
    if (this.written.size >= 10_000) this.written.clear();
    this.written.add(key);
    return { total, created: cached, read: 0 };
  }
}

export async function createMessage(exchange: AnthropicExchange, cache: PromptCache) {
  const { body, options, res } = exchange;
  const model = stringField(body, 'model') as string;
  const messages = arrayField(body, 'messages') ?? [];
  const userText = lastUserText(messages);
  const echo = echoReply(userText, options.tokensPerReply ?? DEFAULT_TOKENS_PER_REPLY);
  const lastContent = field(messages.at(-1), 'content');
  const endsWithToolResult =
    Array.isArray(lastContent) && lastContent.some((b) => stringField(b, 'type') === 'tool_result');
  const tools = (arrayField(body, 'tools') ?? []).flatMap((tool) => {
    const name = stringField(tool, 'name');
    return name ? [{ name, parameters: field(tool, 'input_schema') }] : [];
  });
  const choice = field(body, 'tool_choice');
  const choiceType = stringField(choice, 'type');
  const calls = plannedToolCalls(
    tools,
    choiceType === 'none'
      ? { kind: 'none' }
      : choiceType === 'any'
        ? { kind: 'required' }
        : choiceType === 'tool'
          ? { kind: 'named', name: stringField(choice, 'name') ?? '' }
          : { kind: 'auto' },
    {
      userText,
      endsWithToolResult,
      parallel: field(choice, 'disable_parallel_tool_use') !== true,
      echo: echoReply(userText, 1),
    },
  ).map((call) => ({
    type: 'tool_use',
    id: `toolu_${randomBytes(12).toString('base64url')}`,
    name: call.name,
    input: call.arguments,
  }));
  const full = calls.length > 0 ? '' : (exchange.nextScripted() ?? echo);
  const { text, isCut } = truncateWords(full, numberField(body, 'max_tokens'));
  const stopReason = calls.length > 0 ? 'tool_use' : isCut ? 'max_tokens' : 'end_turn';
  const prompt = cache.account(body, options.cachedPromptTokens);
  // input_tokens counts only what was neither written to nor read from the cache.
  const inputUsage = {
    input_tokens: prompt.total - prompt.created - prompt.read,
    cache_creation_input_tokens: prompt.created,
    cache_read_input_tokens: prompt.read,
  };
  const outputTokens =
    countWords(text) + calls.reduce((sum, c) => sum + countWords(JSON.stringify(c.input)), 0);
  const id = `msg_${randomBytes(12).toString('base64url')}`;
  const headers = { 'request-id': `req_${randomBytes(12).toString('base64url')}` };
  const pieces = splitPieces(text);
  const message = (content: unknown[], stop: string | null, usage: object) => ({
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: { ...inputUsage, ...usage, service_tier: 'standard' },
  });

  if (field(body, 'stream') !== true) {
    await sleepWhileOpen(res, (options.chunkDelayMs ?? 0) * pieces.length);
    return sendJson(
      res,
      200,
      message(calls.length > 0 ? calls : [{ type: 'text', text }], stopReason, {
        output_tokens: outputTokens,
      }),
      headers,
    );
  }

  openStream(res, 'text/event-stream; charset=utf-8', headers);
  const send = (event: string, data: object) => writeSse(res, { type: event, ...data }, event);
  // message_start carries a placeholder output count; the real one comes in message_delta.
  send('message_start', { message: message([], null, { output_tokens: 1 }) });
  if (calls.length > 0) {
    send('ping', {});
    for (const [index, call] of calls.entries()) {
      send('content_block_start', { index, content_block: { ...call, input: {} } });
      const json = JSON.stringify(call.input);
      const parts = ['', ...(json.match(/.{1,8}/gs) ?? [])];
      const isSent = await streamPieces(exchange, parts, (part) =>
        send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } }),
      );
      if (!isSent) return;
      send('content_block_stop', { index });
    }
  } else {
    send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    send('ping', {});
    const isWhole = await streamPieces(exchange, pieces, (piece) =>
      send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }),
    );
    if (!isWhole) return;
    send('content_block_stop', { index: 0 });
  }
  send('message_delta', {
    delta: { stop_reason: stopReason, stop_sequence: null },
    // Counts in message_delta are cumulative totals for the message, not increments.
    usage: { ...inputUsage, output_tokens: outputTokens },
  });
  send('message_stop', {});
  res.end();
}

/** A field the Messages API requires, named as its 400 names it. */
export function missingField(body: unknown): string | undefined {
  if (stringField(body, 'model') === undefined) return 'model';
  if (numberField(body, 'max_tokens') === undefined) return 'max_tokens';
  if (arrayField(body, 'messages') === undefined) return 'messages';
  return undefined;
}
