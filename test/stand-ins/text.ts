// What the stand-ins "generate" and how they count tokens. A token is a word: a run of
// non-whitespace characters. Counting that way is deterministic and easy to predict in a test,
// which is all a stand-in needs; real tokenizers differ and real templates add tokens.
import { arrayField, field, isObject, stringField } from './body.ts';

/** Words in a default (unscripted) reply. */
export const DEFAULT_TOKENS_PER_REPLY = 12;

export const countWords = (text: string): number => text.match(/\S+/g)?.length ?? 0;

/** The reply cut into one piece per word; joined again the pieces give back the exact text. */
export function splitPieces(text: string): string[] {
  const pieces = text.match(/\s*\S+/g) ?? [];
  const tail = text.slice(pieces.join('').length);
  if (pieces.length === 0) return tail === '' ? [] : [tail];
  pieces[pieces.length - 1] += tail;
  return pieces;
}

/** The first `limit` words of a reply, and whether it had to be cut. */
export function truncateWords(text: string, limit: number | undefined): { text: string; isCut: boolean } {
  const pieces = splitPieces(text);
  if (limit === undefined || limit < 0 || countWords(text) <= limit) return { text, isCut: false };
  return { text: pieces.slice(0, limit).join('').trimEnd(), isCut: true };
}

/** A reply of exactly `words` words, echoing the start of what the user said. */
export function echoReply(userText: string, words: number): string {
  const source = userText.match(/\S+/g) ?? ['ok'];
  return Array.from({ length: Math.max(0, words) }, (_, i) => source[i % source.length]).join(' ');
}

/**
 * Plain text of a message's content: a string, or a list of parts of which the text ones count
 * (OpenAI `{type:'text', text}`, Anthropic `{type:'text', text}`, tool results' text).
 */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => stringField(part, 'text') ?? textOf(field(part, 'content')))
    .filter((text) => text !== '')
    .join(' ');
}

export const lastUserText = (messages: unknown[]): string => {
  const last = [...messages].reverse().find((m) => stringField(m, 'role') === 'user');
  return textOf(field(last, 'content'));
};

export const promptWords = (messages: unknown[]): number =>
  messages.reduce<number>((sum, m) => sum + countWords(textOf(field(m, 'content'))), 0);

/**
 * The reply a model constrained to JSON would give: for `"json"` an object holding the echo,
 * for a JSON schema the smallest value of that shape (first enum value, echo for strings,
 * the word count for numbers, `true`, one item for arrays).
 */
export function jsonReply(format: unknown, echo: string): string {
  if (format === 'json' || !isObject(format)) return JSON.stringify({ reply: echo });
  return JSON.stringify(valueFor(format, echo, 0));
}

function valueFor(schema: unknown, echo: string, depth: number): unknown {
  if (!isObject(schema) || depth > 8) return null;
  const choices = arrayField(schema, 'enum');
  if (choices && choices.length > 0) return choices[0];
  if ('const' in schema) return schema.const;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = field(schema, 'properties');
      if (!isObject(properties)) return {};
      return Object.fromEntries(
        Object.entries(properties).map(([k, s]) => [k, valueFor(s, echo, depth + 1)]),
      );
    }
    case 'array':
      return [valueFor(field(schema, 'items'), echo, depth + 1)];
    case 'string':
      return echo;
    case 'integer':
    case 'number':
      return countWords(echo);
    case 'boolean':
      return true;
    default:
      return null;
  }
}
