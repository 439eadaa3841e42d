// OpenAI's /v1/embeddings request, checked as OpenAI checks it: `input` a non-empty string, a
// list of up to 2048 of them, or token arrays; `encoding_format` float or base64.
import { PlatformErrors } from '../../platform/errors.ts';

export const MAX_EMBEDDING_INPUTS = 2048;
const MAX_INPUT_CHARS = 1_000_000;

export interface OpenAIEmbeddingsCall {
  model: string;
  /** The texts to embed (token arrays as their numbers, only to size the hold). */
  texts: string[];
  /** True when `input` came as token ids, which only OpenAI itself takes. */
  tokens: boolean;
  encodingFormat: 'float' | 'base64';
  dimensions?: number;
}

const invalid = (message: string, field: string) => PlatformErrors.validation(message, { field });

const isTokenArray = (value: unknown): value is number[] =>
  Array.isArray(value) && value.length > 0 && value.every((t) => Number.isInteger(t) && t >= 0);

export function parseOpenAIEmbeddings(value: unknown): OpenAIEmbeddingsCall {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('The request body must be a JSON object', 'body');
  const body = value as Record<string, unknown>;
  if (typeof body.model !== 'string' || body.model.trim() === '' || body.model.length > 200)
    throw invalid('model is required (1 to 200 characters)', 'model');
  const input = body.input;
  let texts: string[];
  let tokens = false;
  if (typeof input === 'string') texts = [input];
  else if (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'string'))
    texts = input as string[];
  else if (isTokenArray(input)) {
    texts = [input.join(' ')];
    tokens = true;
  } else if (Array.isArray(input) && input.length > 0 && input.every(isTokenArray)) {
    texts = (input as number[][]).map((ids) => ids.join(' '));
    tokens = true;
  } else {
    throw invalid('input must be a string, a list of strings, or token arrays', 'input');
  }
  if (texts.length > MAX_EMBEDDING_INPUTS)
    throw invalid(`input may hold at most ${MAX_EMBEDDING_INPUTS} items`, 'input');
  if (texts.some((text) => text === '')) throw invalid('input must not contain an empty string', 'input');
  if (texts.some((text) => text.length > MAX_INPUT_CHARS))
    throw invalid(`each input may be at most ${MAX_INPUT_CHARS} characters`, 'input');
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64')
    throw invalid('encoding_format must be "float" or "base64"', 'encoding_format');
  const dimensions = body.dimensions;
  if (
    dimensions !== undefined &&
    dimensions !== null &&
    (!Number.isInteger(dimensions) || (dimensions as number) < 1)
  )
    throw invalid('dimensions must be an integer of at least 1', 'dimensions');
  return {
    model: body.model.trim(),
    texts,
    tokens,
    encodingFormat: format,
    ...(typeof dimensions === 'number' ? { dimensions } : {}),
  };
}
