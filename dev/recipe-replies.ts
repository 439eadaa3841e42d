// What the development Ollama stand-in answers: for a request whose output schema is a recipe,
// one of the sample recipes, named after the request's theme and shaped to exactly that schema
// (so each app's own checks accept it); for any other schema, a value that satisfies it; for
// plain chat, a sentence that says what this is.
import { RECIPE_BOOK, type SampleRecipe } from './recipe-book.ts';

type Schema = Record<string, unknown>;
const isObject = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const SPOOKY =
  /hallowe'?en|spook|ghost|witch|bat\b|pumpkin|monster|zombie|vampire|skelet|haunt|graveyard|hollowtown/i;

/** Words of the user's request that make a name: "a pumpkin dessert for kids" → "Pumpkin". */
function themeWord(prompt: string): string | undefined {
  const match = /theme[:\s"]+([^".\n]{2,40})/i.exec(prompt) ?? /about ([^".\n]{2,40})/i.exec(prompt);
  const word = match?.[1]?.trim().split(/\s+/).slice(0, 2).join(' ');
  return word ? word.replace(/^\w/, (c) => c.toUpperCase()) : undefined;
}

let served = 0;

/** A sample recipe for a prompt: spooky ones when it asks for Halloween, a fresh name each time. */
export function pickRecipe(prompt: string, isSpookyApp: boolean): SampleRecipe {
  const wantsSpooky = isSpookyApp || SPOOKY.test(prompt);
  const pool = RECIPE_BOOK.filter((r) => r.isSpooky === wantsSpooky);
  const recipe = pool[served % pool.length] as SampleRecipe;
  const round = Math.floor(served / pool.length);
  served++;
  const theme = themeWord(prompt);
  const name = [
    theme && !recipe.recipe_name.toLowerCase().includes(theme.toLowerCase()) ? theme : '',
    recipe.recipe_name,
  ]
    .filter(Boolean)
    .join(' ');
  // The apps refuse a name the account already has and ask again: each answer is new.
  return { ...recipe, recipe_name: round > 0 ? `${name} No. ${round + 1}` : name };
}

/** Types a schema allows (anyOf/oneOf of single types too). */
function branches(schema: Schema): Schema[] {
  const union = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(union)) return union.filter(isObject);
  if (Array.isArray(schema.type)) return schema.type.map((type) => ({ ...schema, type }));
  return [schema];
}

const typeOf = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : typeof value === 'number'
        ? 'number'
        : typeof value;

/** `value` changed as little as needed to satisfy `schema` (filled where missing). */
export function fitToSchema(value: unknown, schema: unknown, name = 'value'): unknown {
  if (!isObject(schema)) return value;
  if (Array.isArray(schema.enum) && schema.enum.length > 0)
    return schema.enum.includes(value) ? value : schema.enum[0];
  if ('const' in schema) return schema.const;
  const options = branches(schema);
  const matching =
    options.find((o) => o.type === typeOf(value) || (o.type === 'integer' && typeof value === 'number')) ??
    options.find((o) => o.type !== 'null') ??
    options[0];
  if (!matching || (matching !== schema && options.length > 1)) return fitToSchema(value, matching, name);
  switch (matching.type) {
    case 'null':
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? value : false;
    case 'integer':
    case 'number':
      return fitNumber(value, matching);
    case 'string':
      return fitString(value, matching, name);
    case 'array':
      return fitArray(value, matching, name);
    default:
      return fitObject(value, matching);
  }
}

function fitNumber(value: unknown, schema: Schema): number {
  let n = typeof value === 'number' && Number.isFinite(value) ? value : 1;
  if (schema.type === 'integer') n = Math.round(n);
  const min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const exclusiveMin = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined;
  const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  if (min !== undefined && n < min) n = min;
  if (exclusiveMin !== undefined && n <= exclusiveMin) n = exclusiveMin + 1;
  if (max !== undefined && n > max) n = max;
  return n;
}

function fitString(value: unknown, schema: Schema, name: string): string {
  let text = typeof value === 'string' ? value : `sample ${name.replace(/_/g, ' ')}`;
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
  while (text.length < min) text += ' more';
  if (max !== undefined && text.length > max) text = text.slice(0, max);
  return text;
}

function fitArray(value: unknown, schema: Schema, name: string): unknown[] {
  const items = Array.isArray(value) ? [...value] : [];
  const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const max = typeof schema.maxItems === 'number' ? schema.maxItems : undefined;
  while (items.length < min) items.push(undefined);
  const fitted = items.map((entry) => fitToSchema(entry, schema.items, name));
  return max === undefined ? fitted : fitted.slice(0, max);
}

function fitObject(value: unknown, schema: Schema): Schema {
  const source = isObject(value) ? value : {};
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : Object.keys(properties));
  const out: Schema = {};
  for (const [key, property] of Object.entries(properties)) {
    if (key in source || required.has(key)) out[key] = fitToSchema(source[key], property, key);
  }
  return out;
}

export interface ReplyRequest {
  kind: 'chat' | 'generate';
  format: unknown;
  prompt: string;
}

/** The stand-in's answer to a chat or generate request. */
export function writeReply(request: ReplyRequest): string {
  const { format, prompt } = request;
  if (isObject(format)) {
    const properties = isObject(format.properties) ? format.properties : {};
    if ('recipe_name' in properties && 'ingredients' in properties) {
      const recipe = pickRecipe(prompt, 'spookiness_level' in properties);
      return JSON.stringify(fitToSchema(recipe, format));
    }
    return JSON.stringify(fitToSchema({}, format));
  }
  const sentence =
    'This is the CALOS development stand-in for Ollama: it writes sample recipes, not real answers. ' +
    'Install Ollama (https://ollama.com) and pull a model for real ones.';
  return format === 'json' ? JSON.stringify({ reply: sentence }) : sentence;
}
