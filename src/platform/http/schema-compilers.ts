// Route schemas compile once per process, not once per server. Fastify compiles every route's
// validators (ajv) and response serializers (fast-json-stringify) when a server starts, ~0.8 s of
// CPU for CALOS's routes; a process that starts several servers (each test file, a split, the
// CLI's in-process commands) paid it each time. Both compilations depend only on the schema's
// content and the compiler's options, so the compiled functions are kept by the schema's JSON
// text: the same schema object, a copy of it (Fastify lower-cases header schemas into a new
// object) and a route's HEAD twin compile once. The maps hold one entry per distinct schema in the
// code, so they stay as small as the code is.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import fastJsonStringify from 'fast-json-stringify';
import { isCalendarDate, isStorableDateTime } from '../dates.ts';

// ajv-formats is CommonJS: at run time its default import is the plugin function itself.
const addFormats = addFormatsModule as unknown as FormatsPlugin;

function createAjv(coerceTypes: false | 'array') {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  addFormats(ajv);
  // Days and times a database can hold: years 0001 to 9999 (ajv-formats also takes year 0000).
  ajv.addFormat('date', { type: 'string', validate: isCalendarDate });
  ajv.addFormat('date-time', { type: 'string', validate: isStorableDateTime });
  return ajv;
}

// Query strings, params and headers arrive as text and are coerced to their schema types; JSON
// bodies are not: a number where a string belongs is an error, not a silent conversion.
const bodyAjv = createAjv(false);
const textAjv = createAjv('array');
const validators = new Map<string, ValidateFunction>();
const serializers = new Map<string, (data: unknown) => string>();

export function compileValidator({ schema, httpPart }: { schema: object; httpPart?: string }) {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  const key = `${httpPart === 'body' ? 'body' : 'text'} ${JSON.stringify(schema)}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(key, validate);
  }
  return validate;
}

/** The response schemas this process compiled serialisers for, as JSON (for the test that checks each). */
export const compiledResponseSchemas = (): string[] => [...serializers.keys()];

export function compileSerializer({ schema }: { schema: object }) {
  const key = JSON.stringify(schema);
  let serialize = serializers.get(key);
  if (!serialize) {
    serialize = fastJsonStringify(nullableForSerializer(schema) as object) as (data: unknown) => string;
    serializers.set(key, serialize);
  }
  return serialize;
}

const COMPOSITE = ['anyOf', 'oneOf', 'allOf', 'if', '$ref', 'const'] as const;

const isNullOnly = (option: unknown): boolean =>
  typeof option === 'object' &&
  option !== null &&
  (option as Record<string, unknown>).type === 'null' &&
  Object.keys(option).every((key) => key === 'type' || key === 'description');

/**
 * The schema a response serialiser is built from: every `anyOf: [X, {type: 'null'}]` (how TypeBox
 * writes a nullable field) becomes X with `nullable: true`. fast-json-stringify serialises an
 * anyOf by running an ajv validator over the value for each option in turn, on every answer: a
 * page of 20 todo items ran about 200 validations, a uuid or date-time pattern each. For
 * `nullable` it writes a null check. Every value the schema allows gives the same JSON either way
 * (schema-compilers.test.ts); only X must be a single plain type, not itself a choice or a
 * reference. The route's schema, its validation and its OpenAPI document stay as they are.
 */
export function nullableForSerializer(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(nullableForSerializer);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = nullableForSerializer(value);
  const options = out.anyOf;
  if (!Array.isArray(options) || options.length !== 2) return out;
  const nullAt = options.findIndex(isNullOnly);
  if (nullAt === -1) return out;
  const other = options[1 - nullAt] as Record<string, unknown>;
  if (typeof other !== 'object' || other === null || typeof other.type !== 'string' || other.type === 'null')
    return out;
  if (COMPOSITE.some((keyword) => keyword in other)) return out;
  const { anyOf: _anyOf, ...siblings } = out;
  return { ...siblings, ...other, nullable: true };
}
