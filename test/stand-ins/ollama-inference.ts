// Ollama's inference endpoints: /api/chat and /api/generate (NDJSON stream by default, one word
// per chunk, the counts and durations in the final `done` object), /api/embed and /api/embeddings.
import { arrayField, field, numberField, stringField } from './body.ts';
import { capabilitiesOf, findModel, type LoadedModels, type OllamaOptions } from './ollama-models.ts';
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
import { functionTools, type PlannedCall, plannedToolCalls } from './tools.ts';
import { DEFAULT_DIMENSIONS, embedText } from './vectors.ts';
import { openStream, sendJson, sleepWhileOpen, streamPieces, writeNdjson } from './wire.ts';

type OllamaExchange = Exchange<OllamaOptions>;

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
/** Stand-in prompt evaluation speed, for prompt_eval_duration. */
const PROMPT_NS_PER_TOKEN = 100_000;

export const sendOllamaError = (exchange: OllamaExchange, status: number, message: string) =>
  sendJson(exchange.res, status, { error: message }, JSON_TYPE);

/**
 * The model as the request names it (answers echo that name, as Ollama does), or undefined after
 * answering 400 or 404.
 */
function requireModel(exchange: OllamaExchange): string | undefined {
  const requested = stringField(exchange.body, 'model');
  if (!requested) {
    sendOllamaError(exchange, 400, 'model is required');
    return undefined;
  }
  if (findModel(exchange.options.models, requested)) return requested;
  // Newer Ollama says `model 'x' not found` on some paths; clients should go by the 404.
  sendOllamaError(exchange, 404, `model "${requested}" not found, try pulling it first`);
  return undefined;
}

const installedName = (exchange: OllamaExchange, requested: string) =>
  findModel(exchange.options.models, requested) ?? requested;

/**
 * False after answering 400 as Ollama does when the request needs what the model cannot do:
 * `suffix` needs insert (fill in the middle), `think` needs a thinking model.
 */
function isCapable(exchange: OllamaExchange, model: string): boolean {
  const capabilities = capabilitiesOf(installedName(exchange, model));
  const suffix = stringField(exchange.body, 'suffix');
  if (suffix && !capabilities.includes('insert')) {
    sendOllamaError(
      exchange,
      400,
      `registry.ollama.ai/library/${installedName(exchange, model)} does not support insert`,
    );
    return false;
  }
  const think = field(exchange.body, 'think');
  if ((think === true || typeof think === 'string') && !capabilities.includes('thinking')) {
    sendOllamaError(exchange, 400, `"${model}" does not support thinking`);
    return false;
  }
  return true;
}

interface Generation {
  kind: 'chat' | 'generate';
  model: string;
  promptCount: number;
  userText: string;
  /** Generate without templating returns no `context`. */
  isRaw: boolean;
  /** The model answers by calling these tools instead of in text. */
  toolCalls?: PlannedCall[];
}

export async function chat(exchange: OllamaExchange, loaded: LoadedModels) {
  const model = requireModel(exchange);
  if (!model || !isCapable(exchange, model)) return;
  const messages = arrayField(exchange.body, 'messages') ?? [];
  if (messages.length === 0) return answerLoad(exchange, loaded, model, 'chat');
  const last = messages.at(-1);
  const endsWithToolResult = stringField(last, 'role') === 'tool';
  const userText = lastUserText(messages);
  // Ollama has no tool_choice: a model offered tools may call them.
  const calls = plannedToolCalls(
    functionTools(field(exchange.body, 'tools')),
    { kind: 'auto' },
    { userText, endsWithToolResult, parallel: true, echo: echoReply(userText, 1) },
  );
  await generateReply(exchange, loaded, {
    kind: 'chat',
    model,
    promptCount: promptWords(messages),
    // After a tool result the model talks about the result.
    userText: endsWithToolResult ? textOf(field(last, 'content')) : userText,
    isRaw: false,
    toolCalls: calls.length > 0 ? calls : undefined,
  });
}

export async function generate(exchange: OllamaExchange, loaded: LoadedModels) {
  const model = requireModel(exchange);
  if (!model || !isCapable(exchange, model)) return;
  const prompt = stringField(exchange.body, 'prompt') ?? '';
  if (prompt === '') return answerLoad(exchange, loaded, model, 'generate');
  await generateReply(exchange, loaded, {
    kind: 'generate',
    model,
    promptCount: countWords(stringField(exchange.body, 'system') ?? '') + countWords(prompt),
    userText: prompt,
    isRaw: field(exchange.body, 'raw') === true,
  });
}

/** An empty prompt loads the model (or unloads it with keep_alive 0) and generates nothing. */
function answerLoad(exchange: OllamaExchange, loaded: LoadedModels, model: string, kind: Generation['kind']) {
  const keepAlive = field(exchange.body, 'keep_alive');
  const isUnload = keepAlive === 0 || keepAlive === '0' || keepAlive === '0s';
  if (isUnload) loaded.unload(installedName(exchange, model));
  else loaded.touch(installedName(exchange, model));
  const content = kind === 'chat' ? { message: { role: 'assistant', content: '' } } : { response: '' };
  sendJson(
    exchange.res,
    200,
    {
      model,
      created_at: new Date().toISOString(),
      ...content,
      done: true,
      done_reason: isUnload ? 'unload' : 'load',
    },
    JSON_TYPE,
  );
}

async function generateReply(exchange: OllamaExchange, loaded: LoadedModels, g: Generation) {
  const { body, options, res } = exchange;
  const format = field(body, 'format');
  const echo = echoReply(g.userText, options.tokensPerReply ?? DEFAULT_TOKENS_PER_REPLY);
  const scripted = g.toolCalls ? undefined : exchange.nextScripted();
  const written = scripted ?? options.replyWith?.({ kind: g.kind, format, prompt: g.userText, body });
  const full = g.toolCalls
    ? ''
    : (written ?? (format === undefined || format === '' ? echo : jsonReply(format, echo)));
  const toolCalls = g.toolCalls?.map((call, index) => ({
    function: { index, name: call.name, arguments: call.arguments },
  }));
  const { text, isCut } = truncateWords(full, numberField(field(body, 'options'), 'num_predict'));
  const pieces = splitPieces(text);
  const isStream = field(body, 'stream') !== false;
  const content = (part: string) =>
    g.kind === 'chat' ? { message: { role: 'assistant', content: part } } : { response: part };
  const chunk = (part: string, extra: object = {}) => ({
    model: g.model,
    created_at: new Date().toISOString(),
    ...content(part),
    ...extra,
  });
  const evalStart = process.hrtime.bigint();
  const finalStats = () => {
    const now = process.hrtime.bigint();
    const evalCount = countWords(text) + countWords(toolCalls ? JSON.stringify(toolCalls) : '');
    return {
      done: true,
      done_reason: isCut ? 'length' : 'stop',
      ...(g.kind === 'generate' && !g.isRaw
        ? { context: Array.from({ length: Math.min(g.promptCount + evalCount, 2048) }, (_, i) => i + 1) }
        : {}),
      total_duration: Number(now - exchange.arrivedAt),
      load_duration: Number(exchange.answeringAt - exchange.arrivedAt),
      prompt_eval_count: g.promptCount,
      prompt_eval_duration: Math.max(1, g.promptCount) * PROMPT_NS_PER_TOKEN,
      eval_count: evalCount,
      eval_duration: Number(now - evalStart),
    };
  };

  if (!isStream) {
    // A real model takes as long to answer at once as it takes to stream.
    await sleepWhileOpen(res, (options.chunkDelayMs ?? 0) * pieces.length);
    loaded.touch(installedName(exchange, g.model));
    const whole = chunk(text, finalStats()) as { message?: Record<string, unknown> };
    if (toolCalls && whole.message) whole.message.tool_calls = toolCalls;
    return sendJson(res, 200, whole, JSON_TYPE);
  }
  openStream(res, 'application/x-ndjson');
  const isWhole = await streamPieces(exchange, pieces, (part) =>
    writeNdjson(res, chunk(part, { done: false })),
  );
  if (!isWhole) return;
  // Ollama sends a model's tool calls whole, in one object before the last.
  if (toolCalls) {
    writeNdjson(res, {
      model: g.model,
      created_at: new Date().toISOString(),
      message: { role: 'assistant', content: '', tool_calls: toolCalls },
      done: false,
    });
  }
  loaded.touch(installedName(exchange, g.model));
  writeNdjson(res, chunk('', finalStats()));
  res.end();
}

/** The texts to embed, or undefined when `input` is neither a string nor a list of strings. */
function embedInputs(input: unknown): string[] | undefined {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') return input === '' ? [] : [input];
  if (Array.isArray(input) && input.every((item) => typeof item === 'string')) return input;
  return undefined;
}

export function embed(exchange: OllamaExchange, loaded: LoadedModels) {
  const inputs = embedInputs(field(exchange.body, 'input'));
  if (!inputs) return sendOllamaError(exchange, 400, 'invalid input type');
  const model = requireModel(exchange);
  if (!model) return;
  const modelDimensions = exchange.options.embeddingDimensions ?? DEFAULT_DIMENSIONS;
  const requested = numberField(exchange.body, 'dimensions');
  const dimensions = requested && requested > 0 && requested < modelDimensions ? requested : modelDimensions;
  loaded.touch(installedName(exchange, model));
  sendJson(
    exchange.res,
    200,
    {
      model,
      embeddings: inputs.map((text) => embedText(model, text, dimensions)),
      total_duration: Number(process.hrtime.bigint() - exchange.arrivedAt),
      load_duration: Number(exchange.answeringAt - exchange.arrivedAt),
      prompt_eval_count: inputs.reduce((sum, text) => sum + countWords(text), 0),
    },
    JSON_TYPE,
  );
}

/** The older single-text endpoint, superseded by /api/embed. */
export function embeddings(exchange: OllamaExchange, loaded: LoadedModels) {
  const model = requireModel(exchange);
  if (!model) return;
  const prompt = stringField(exchange.body, 'prompt') ?? '';
  loaded.touch(installedName(exchange, model));
  const dimensions = exchange.options.embeddingDimensions ?? DEFAULT_DIMENSIONS;
  sendJson(
    exchange.res,
    200,
    { embedding: prompt === '' ? [] : embedText(model, prompt, dimensions) },
    JSON_TYPE,
  );
}
