// Input items of the Responses API as a stored response keeps them and input_items lists them:
// a string input becomes one user message, message content becomes a list of parts, and every
// item gets an id (OpenAI's shape), so the chain can be replayed through the same parser.
import { randomBytes } from 'node:crypto';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const itemId = (prefix: string) => `${prefix}_${randomBytes(24).toString('hex')}`;

/** The input as stored items: `input` has passed the parser, so it is a string or a list of objects. */
export function storedInputItems(input: unknown): JsonObject[] {
  if (typeof input === 'string')
    return [
      {
        type: 'message',
        id: itemId('msg'),
        role: 'user',
        content: [{ type: 'input_text', text: input }],
      },
    ];
  if (!Array.isArray(input)) return [];
  return input.filter(isObject).map((item) => {
    const type = item.type ?? 'message';
    if (type !== 'message') return { ...item, id: typeof item.id === 'string' ? item.id : itemId('fc') };
    const partType = item.role === 'assistant' ? 'output_text' : 'input_text';
    return {
      ...item,
      type: 'message',
      id: typeof item.id === 'string' ? item.id : itemId('msg'),
      content: typeof item.content === 'string' ? [{ type: partType, text: item.content }] : item.content,
    };
  });
}

/** The size a stored list of items takes, in bytes of JSON. */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));
