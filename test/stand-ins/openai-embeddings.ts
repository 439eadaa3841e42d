// POST /v1/embeddings as OpenAI answers it: `input` a string, a list of strings or token arrays,
// vectors as float lists or (encoding_format base64) little-endian float32 bytes, `dimensions`
// shortening them, usage as prompt_tokens (words, or token ids) and total_tokens.
import { field, numberField, stringField } from './body.ts';
import type { OpenAIOptions } from './openai-options.ts';
import type { Exchange } from './server.ts';
import { countWords } from './text.ts';
import { embedText } from './vectors.ts';
import { sendJson } from './wire.ts';

/** text-embedding-3-small's length; the stand-in's vectors are this long unless `dimensions` says less. */
const OPENAI_DIMENSIONS = 32;

const invalidInput = () => ({
  error: {
    message:
      "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
    type: 'invalid_request_error',
    param: null,
    code: null,
  },
});

const isTokens = (value: unknown): value is number[] =>
  Array.isArray(value) && value.length > 0 && value.every((t) => Number.isInteger(t) && t >= 0);

/** The inputs as texts and their token counts, or undefined when `input` is not one of OpenAI's shapes. */
function inputsOf(input: unknown): { text: string; tokens: number }[] | undefined {
  if (typeof input === 'string')
    return input === '' ? undefined : [{ text: input, tokens: countWords(input) }];
  if (isTokens(input)) return [{ text: input.join(' '), tokens: input.length }];
  if (!Array.isArray(input) || input.length === 0 || input.length > 2048) return undefined;
  if (input.every((item) => typeof item === 'string' && item !== ''))
    return (input as string[]).map((text) => ({ text, tokens: countWords(text) }));
  if (input.every(isTokens)) return input.map((ids) => ({ text: ids.join(' '), tokens: ids.length }));
  return undefined;
}

export function embeddings(exchange: Exchange<OpenAIOptions>) {
  const { res, body } = exchange;
  const model = stringField(body, 'model') ?? '';
  const inputs = inputsOf(field(body, 'input'));
  if (!inputs) return sendJson(res, 400, invalidInput());
  const format = field(body, 'encoding_format') ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    return sendJson(res, 400, {
      error: {
        message: `Invalid value for 'encoding_format': '${String(format)}'. Supported values are: 'float' and 'base64'.`,
        type: 'invalid_request_error',
        param: 'encoding_format',
        code: 'invalid_value',
      },
    });
  }
  const dimensions = Math.min(numberField(body, 'dimensions') ?? OPENAI_DIMENSIONS, OPENAI_DIMENSIONS);
  const promptTokens = inputs.reduce((sum, input) => sum + input.tokens, 0);
  return sendJson(res, 200, {
    object: 'list',
    data: inputs.map((input, index) => {
      const vector = embedText(model, input.text, dimensions);
      return {
        object: 'embedding',
        index,
        embedding:
          format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
      };
    }),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}
