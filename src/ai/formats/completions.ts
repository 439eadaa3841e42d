// OpenAI's legacy completions (POST /v1/completions): the request checked as OpenAI checks it
// (max_tokens 16 unless set, as OpenAI has it), and the text_completion objects it answers,
// whole or as SSE chunks.
import { randomBytes } from 'node:crypto';
import { PlatformErrors } from '../../platform/errors.ts';
import type { DoneReason, Usage } from '../providers/types.ts';
import { MAX_CHOICES, type OpenAIFinishReason, openaiFinishReason } from './openai.ts';

type JsonObject = Record<string, unknown>;

/** OpenAI's default output limit of a legacy completion. */
export const DEFAULT_COMPLETION_TOKENS = 16;

export interface CompletionsCall {
  model: string;
  /** The prompts as text (token arrays as their ids, for estimates only). */
  prompts: string[];
  /**
   * When `prompt` came as token ids (which only OpenAI itself takes): how many there are in all,
   * the exact prompt size for the hold.
   */
  promptTokens?: number;
  /** Answers per prompt (`n`). */
  n: number;
  /** Answers generated per prompt to pick `n` from (`best_of`, OpenAI only; at least n). */
  bestOf: number;
  suffix?: string;
  maxTokens: number;
  stream: boolean;
  includeUsage: boolean;
  /** `echo`: the prompt comes back before the answer. */
  echo: boolean;
  /** Ollama options: temperature, top_p, stop, seed, penalties. */
  options: JsonObject;
}

const invalid = (message: string, field: string) => PlatformErrors.validation(message, { field });
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const present = (value: unknown) => value !== undefined && value !== null;

const isTokenArray = (value: unknown): value is number[] =>
  Array.isArray(value) && value.length > 0 && value.every((t) => Number.isInteger(t) && t >= 0);

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

export function parseCompletions(value: unknown): CompletionsCall {
  if (!isObject(value)) throw invalid('The request body must be a JSON object', 'body');
  const body = value;
  if (typeof body.model !== 'string' || body.model.trim() === '') throw invalid('model is required', 'model');
  const prompt = body.prompt;
  let prompts: string[];
  let promptTokens: number | undefined;
  if (typeof prompt === 'string') prompts = [prompt];
  else if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((p) => typeof p === 'string'))
    prompts = prompt as string[];
  else if (isTokenArray(prompt)) {
    prompts = [prompt.join(' ')];
    promptTokens = prompt.length;
  } else if (Array.isArray(prompt) && prompt.length > 0 && prompt.every(isTokenArray)) {
    prompts = (prompt as number[][]).map((ids) => ids.join(' '));
    promptTokens = (prompt as number[][]).reduce((sum, ids) => sum + ids.length, 0);
  } else
    throw invalid(
      'prompt must be a string, a list of strings, a token array or a list of token arrays',
      'prompt',
    );
  const n = numberIn(body, 'n', 1, MAX_CHOICES, true) ?? 1;
  if (prompts.length * n > MAX_CHOICES)
    throw invalid(`prompts times n must be at most ${MAX_CHOICES}`, prompts.length > 1 ? 'prompt' : 'n');
  const bestOf = numberIn(body, 'best_of', 1, MAX_CHOICES, true) ?? n;
  if (bestOf < n) throw invalid('best_of must be at least n', 'best_of');
  if (prompts.length * bestOf > MAX_CHOICES)
    throw invalid(`prompts times best_of must be at most ${MAX_CHOICES}`, 'best_of');
  if (present(body.suffix) && typeof body.suffix !== 'string')
    throw invalid('suffix must be a string', 'suffix');
  for (const key of ['stream', 'echo'] as const)
    if (present(body[key]) && typeof body[key] !== 'boolean') throw invalid(`${key} must be a boolean`, key);
  const stream = body.stream === true;
  const stop = body.stop;
  if (
    present(stop) &&
    typeof stop !== 'string' &&
    !(Array.isArray(stop) && stop.length <= 4 && stop.every((s) => typeof s === 'string'))
  )
    throw invalid('stop must be a string or a list of up to 4 strings', 'stop');
  const options: JsonObject = {};
  const temperature = numberIn(body, 'temperature', 0, 2);
  if (temperature !== undefined) options.temperature = temperature;
  const topP = numberIn(body, 'top_p', 0, 1);
  if (topP !== undefined) options.top_p = topP;
  const seed = numberIn(body, 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
  if (seed !== undefined) options.seed = seed;
  for (const key of ['frequency_penalty', 'presence_penalty'] as const) {
    const penalty = numberIn(body, key, -2, 2);
    if (penalty !== undefined) options[key] = penalty;
  }
  if (present(stop)) options.stop = typeof stop === 'string' ? [stop] : stop;
  return {
    model: body.model.trim(),
    prompts,
    ...(promptTokens !== undefined ? { promptTokens } : {}),
    n,
    bestOf,
    ...(typeof body.suffix === 'string' && body.suffix !== '' ? { suffix: body.suffix } : {}),
    maxTokens: numberIn(body, 'max_tokens', 0, 1_000_000, true) ?? DEFAULT_COMPLETION_TOKENS,
    stream,
    includeUsage: stream && isObject(body.stream_options) && body.stream_options.include_usage === true,
    echo: body.echo === true,
    options,
  };
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 'cmpl-' and 29 letters and digits, as OpenAI's ids. */
export function completionId(): string {
  let id = 'cmpl-';
  for (const byte of randomBytes(29)) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

export interface CompletionChoice {
  text: string;
  index: number;
  logprobs: null;
  finish_reason: OpenAIFinishReason | null;
}

const usageBody = (usage: Usage) => ({
  prompt_tokens: usage.promptTokens,
  completion_tokens: usage.completionTokens,
  total_tokens: usage.promptTokens + usage.completionTokens,
});

export function textCompletion(
  id: string,
  model: string,
  created: number,
  answers: { text: string; finishReason: DoneReason }[],
  usage: Usage,
) {
  return {
    id,
    object: 'text_completion' as const,
    created,
    model,
    choices: answers.map(
      (answer, index): CompletionChoice => ({
        text: answer.text,
        index,
        logprobs: null,
        finish_reason: openaiFinishReason(answer.finishReason),
      }),
    ),
    usage: usageBody(usage),
  };
}

/** One streamed chunk: a piece of choice `index`, or its end with the finish reason. */
export function textCompletionChunk(
  id: string,
  model: string,
  created: number,
  index: number,
  text: string,
  finishReason?: DoneReason,
) {
  return {
    id,
    object: 'text_completion' as const,
    created,
    choices: [
      {
        text,
        index,
        logprobs: null,
        finish_reason: finishReason === undefined ? null : openaiFinishReason(finishReason),
      },
    ],
    model,
  };
}

/** The last chunk with stream_options.include_usage: no choices, the usage. */
export const textCompletionUsageChunk = (id: string, model: string, created: number, usage: Usage) => ({
  id,
  object: 'text_completion' as const,
  created,
  choices: [],
  model,
  usage: usageBody(usage),
});
