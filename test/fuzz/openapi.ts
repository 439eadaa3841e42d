// What the fuzz test reads from each service's openapi.json: its operations, a plausible valid
// request for each (from the documented examples, else from the schema), and the places in that
// request where a wrong value can go.
import { randomUUID } from 'node:crypto';

// biome-ignore lint/suspicious/noExplicitAny: a JSON Schema as read from the document
export type JsonSchema = Record<string, any>;

export interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  /** Mount prefix, e.g. /recipes. */
  prefix: string;
  method: string;
  /** Path template as documented, e.g. /api/recipes/{id}. */
  path: string;
  parameters: Parameter[];
  body: { schema: JsonSchema; example: unknown } | undefined;
  /** Body content types other than JSON (e.g. a webhook's raw body). */
  rawBody: boolean;
  needsUser: boolean;
  /** Documented answers by status: what a 4xx may look like besides the error shape. */
  responses: Record<string, JsonSchema | undefined>;
}

export const label = (op: Operation) => `${op.method} ${op.prefix}${op.path}`;

export function operationsOf(prefix: string, document: JsonSchema): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<JsonSchema>(document.paths ?? {})) {
    for (const [method, op] of Object.entries<JsonSchema>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const content = op.requestBody?.content ?? {};
      const json = content['application/json'];
      const responses: Record<string, JsonSchema | undefined> = {};
      for (const [status, response] of Object.entries<JsonSchema>(op.responses ?? {})) {
        responses[status] = response.content?.['application/json']?.schema;
      }
      operations.push({
        prefix,
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters ?? []).map((p: JsonSchema) => ({
          in: p.in,
          name: p.name,
          required: Boolean(p.required),
          schema: p.schema ?? { type: 'string' },
        })),
        body: json
          ? {
              schema: json.schema ?? {},
              example:
                json.example ??
                Object.values<JsonSchema>(json.examples ?? {})[0]?.value ??
                json.schema?.examples?.[0],
            }
          : undefined,
        rawBody: Object.keys(content).length > 0 && !json,
        needsUser: Array.isArray(op.security) && op.security.length > 0,
        responses,
      });
    }
  }
  return operations;
}

const PATTERN_CANDIDATES = [
  'Pumpkin',
  'pumpkin_pie-1',
  'https://example.test/a',
  '2031-10-31',
  'llama3.2',
  'a'.repeat(43),
  'BCDF-2345',
];

/** A value the schema accepts (as far as a schema says: the service may still refuse it). */
export function validValue(
  schema: JsonSchema,
  ids: (name?: string) => string = () => randomUUID(),
  name?: string,
): unknown {
  if (schema.examples?.length) return structuredClone(schema.examples[0]);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('default' in schema) return structuredClone(schema.default);
  const branches = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branches)) {
    const branch = branches.find((b: JsonSchema) => b.type !== 'null') ?? branches[0];
    return validValue(branch, ids, name);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const name of schema.required ?? []) {
        value[name] = validValue(schema.properties?.[name] ?? {}, ids, name);
      }
      return value;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => validValue(schema.items ?? {}, ids));
    case 'integer':
    case 'number': {
      const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
      return schema.maximum !== undefined ? Math.min(low, schema.maximum) : low;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'string':
      return validString(schema, ids, name);
    default:
      return 'x';
  }
}

function validString(schema: JsonSchema, ids: (name?: string) => string, name?: string): string {
  if (name?.endsWith('_id') && !schema.pattern && (schema.maxLength ?? 36) >= 36) return ids(name);
  switch (schema.format) {
    case 'uuid':
      return ids(name);
    case 'date':
      return '2031-10-31';
    case 'date-time':
      return '2031-10-31T18:00:00.000Z';
    case 'email':
      return `fuzz-${randomUUID().slice(0, 8)}@example.test`;
    case 'uri':
      return 'https://example.test/';
  }
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Number.POSITIVE_INFINITY;
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern, 'u');
    const fit = PATTERN_CANDIDATES.find((c) => pattern.test(c) && c.length >= min && c.length <= max);
    if (fit) return fit;
  }
  const length = Math.min(Math.max(min, 6), max);
  return 'fuzzed'.padEnd(length, 'x').slice(0, length);
}

/** Paths (property names and indexes) to every value inside a JSON value, the root included. */
export function placesIn(value: unknown, schema: JsonSchema | undefined): (string | number)[][] {
  const places: (string | number)[][] = [[]];
  const walk = (current: unknown, currentSchema: JsonSchema | undefined, at: (string | number)[]) => {
    if (Array.isArray(current)) {
      current.forEach((item, index) => {
        places.push([...at, index]);
        walk(item, currentSchema?.items, [...at, index]);
      });
    } else if (current !== null && typeof current === 'object') {
      // Optional properties the valid value leaves out are places too.
      const names = new Set([
        ...Object.keys(current),
        ...Object.keys(objectSchema(currentSchema)?.properties ?? {}),
      ]);
      for (const name of names) {
        places.push([...at, name]);
        walk((current as Record<string, unknown>)[name], objectSchema(currentSchema)?.properties?.[name], [
          ...at,
          name,
        ]);
      }
    }
  };
  walk(value, schema, []);
  return places;
}

function objectSchema(schema: JsonSchema | undefined): JsonSchema | undefined {
  if (!schema) return undefined;
  if (schema.properties) return schema;
  const branches = schema.anyOf ?? schema.oneOf;
  return Array.isArray(branches) ? branches.find((b: JsonSchema) => b.properties) : undefined;
}

/** The schema of the value at a place, as far as it can be followed. */
export function schemaAt(schema: JsonSchema | undefined, place: (string | number)[]): JsonSchema | undefined {
  let current = schema;
  for (const step of place) {
    if (!current) return undefined;
    current = typeof step === 'number' ? current.items : objectSchema(current)?.properties?.[step];
  }
  return current;
}

/** A copy of `value` with the value at `place` replaced. */
export function replaceAt(value: unknown, place: (string | number)[], replacement: unknown): unknown {
  if (place.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const step of place.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  parent[place[place.length - 1] as string | number] = replacement;
  return copy;
}

/**
 * Percent-encodes text for a URL the way a browser does, except that a lone surrogate is written
 * as its three WTF-8 bytes, which are not UTF-8: the server must refuse them, not crash on them.
 */
export function encodeForUrl(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += `%${(0xe0 | (code >> 12)).toString(16).toUpperCase()}%${(0x80 | ((code >> 6) & 0x3f))
        .toString(16)
        .toUpperCase()}%${(0x80 | (code & 0x3f)).toString(16).toUpperCase()}`;
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}
