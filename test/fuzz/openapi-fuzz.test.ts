// Fuzzes every operation of every service's openapi.json: for each, fast-check takes a plausible
// valid request and puts one wrong value somewhere (a path or query parameter, a header, any
// field of the JSON body): wrong types, NUL, lone surrogates, huge numbers, long strings, dates
// PostgreSQL cannot hold, bad ids, bad percent-encodings. Every answer must be below 500 and,
// when it is an error, in the one error shape (or the shape the operation documents for it).
// FUZZ_SEED and FUZZ_RUNS (runs per operation) explore further; a failure prints its seed and
// case. FUZZ_STATS=1 prints how often each operation answered each status.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReply } from '../../dev/recipe-replies.ts';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import {
  encodeForUrl,
  type JsonSchema,
  label,
  type Operation,
  operationsOf,
  placesIn,
  replaceAt,
  schemaAt,
  validValue,
} from './openapi.ts';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 1310;
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 20;
const PREFIXES = ['/calos', '/hollowtown', '/recipes', '/family', '/ai'];

type Target =
  | { where: 'path' | 'query' | 'header'; name: string; schema: JsonSchema }
  | { where: 'body'; place: (string | number)[]; schema: JsonSchema | undefined }
  | { where: 'authorization' }
  | { where: 'content-type' };

/**
 * A wrong value: JSON for a body, text for a URL or header (`raw` goes into the URL unencoded,
 * `repeat` sends a query parameter twice).
 */
type Wrong = { json: unknown } | { text: string } | { raw: string } | { repeat: true };

interface FuzzCase {
  target: Target;
  wrong: Wrong;
}

const NASTY_TEXT = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\udc00\ud800',
  '',
  ' ',
  '0000-01-01',
  '10000-01-01',
  '2025-02-30',
  '0000-01-01T00:00:00Z',
  '0000-12-31T23:59:59.999Z',
  '-001000-01-01',
  '9999-12-31T24:00:00Z',
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  "' OR 1=1 --",
  '../../etc/passwd',
  '%00',
  '1e400',
  '-0',
  'NaN',
  '99999999999999999999',
  '-9223372036854775809',
];
const NASTY_JSON: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  -0.5,
  1e308,
  -1e308,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 2,
  2 ** 63,
  -(2 ** 63),
  1e21,
  [],
  {},
  [null],
  ['\u0000'],
  ['\ud800'],
  { '\u0000': 1 },
  { 'a\ud800': 'b' },
  // Deeper than any schema: a validator or walker that recurses without a bound would overflow.
  JSON.parse(`${'['.repeat(3000)}${']'.repeat(3000)}`),
];
const BAD_ENCODINGS = ['%', '%zz', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%00', '%FF', '%u0041', '%%', '%2'];

const nastyText = fc.oneof(
  fc.constantFrom(...NASTY_TEXT),
  fc.integer({ min: 101, max: 5000 }).map((n) => 'x'.repeat(n)),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const nastyJson = fc.oneof(
  fc.constantFrom(...NASTY_JSON),
  nastyText,
  fc.integer({ min: 300, max: 200_000 }).map((n) => 'y'.repeat(n)),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Wrong values built from the valid one, which get furthest into a service. */
function nearMisses(valid: unknown): unknown[] {
  if (typeof valid === 'string')
    return [`${valid}\u0000`, `${valid}\ud800`, `\udfff${valid}`, `${valid}${'z'.repeat(3000)}`];
  if (Array.isArray(valid)) {
    const item = valid[0] ?? 'item';
    return [
      [...valid, 'x\u0000y'],
      [...valid, '\ud800'],
      [...valid, ...Array(500).fill(item)],
      [item, 7],
    ];
  }
  if (typeof valid === 'number') return [valid + 0.5, valid * 1e12, -valid - 1, 2 ** 31, 1e300];
  if (valid && typeof valid === 'object')
    return [
      { ...valid, 'k\u0000': 'v' },
      { ...valid, unknown: 1 },
    ];
  return [];
}

function wrongFor(target: Target, valid: unknown): fc.Arbitrary<Wrong> {
  switch (target.where) {
    case 'content-type':
      return fc
        .constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
          'application/xml',
          'application/json, text/plain',
          '',
        )
        .map((text) => ({ text }));
    case 'authorization':
      return fc
        .constantFrom(
          'Bearer x',
          'Bearer ',
          'Basic Zm9vOmJhcg==',
          `Bearer ${'a.'.repeat(3000)}a`,
          'Bearer a.b.c',
        )
        .map((text) => ({ text }));
    case 'header':
      return fc
        .oneof(
          fc.constantFrom('', ' ', 'x'.repeat(300), 'ÿþ', '0000-01-01', 'not-a-uuid'),
          fc.integer({ min: 201, max: 8000 }).map((n) => 'h'.repeat(n)),
        )
        .map((text) => ({ text }));
    case 'path':
    case 'query': {
      const misses = nearMisses(valid).filter((v): v is string => typeof v === 'string');
      return fc.oneof(
        nastyText.map((text) => ({ text })),
        fc.constant<Wrong>({ repeat: true }),
        fc.constantFrom(...BAD_ENCODINGS).map((raw) => ({ raw })),
        fc.constantFrom(...BAD_ENCODINGS).map((raw) => ({ raw: `abc${raw}def` })),
        ...(misses.length ? [fc.constantFrom(...misses).map((text) => ({ text }))] : []),
      );
    }
    case 'body': {
      const misses = nearMisses(valid);
      return fc
        .oneof(nastyJson, ...(misses.length ? [fc.constantFrom(...misses)] : []))
        .map((json) => ({ json }));
    }
  }
}

function urlText(wrong: Wrong): string {
  if ('raw' in wrong) return wrong.raw;
  if ('repeat' in wrong) return 'a';
  const text = 'text' in wrong ? wrong.text : JSON.stringify(wrong.json);
  return encodeForUrl(text);
}

let addressCounter = 0;
/** Each request from its own address, as a crowd would send them (no per-address limit is hit). */
const nextAddress = () => {
  addressCounter += 1;
  return `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
};

const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;

function isErrorShape(body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'error') return false;
  const error = (body as { error: unknown }).error as Record<string, unknown>;
  if (!error || typeof error !== 'object') return false;
  const extra = Object.keys(error).filter((k) => !['code', 'message', 'details'].includes(k));
  return (
    extra.length === 0 &&
    typeof error.code === 'string' &&
    ERROR_CODE.test(error.code) &&
    typeof error.message === 'string' &&
    error.message.length > 0
  );
}

/** RFC 8628's token endpoint answers OAuth error objects, as its 400 documents. */
function isDocumentedOAuthError(op: Operation, status: number, body: unknown): boolean {
  const documented = op.responses[String(status)];
  if (!documented) return false;
  const branches: JsonSchema[] = documented.anyOf ?? [documented];
  const oauth = branches.some(
    (b) => b.properties?.error?.type === 'string' && b.properties?.error_description,
  );
  const value = body as { error?: unknown; error_description?: unknown } | null;
  return oauth && typeof value?.error === 'string' && typeof value.error_description === 'string';
}

/**
 * The AI gateway's Ollama (/api/*) and OpenAI (/v1/*) front doors answer errors in those APIs' own
 * shapes: `{error: "<text>", code}` and `{error: {message, type, param, code}}`.
 */
function isDocumentedDialectError(op: Operation, _status: number, body: unknown): boolean {
  if (op.prefix !== '/ai') return false;
  const isOpenAI = op.path.startsWith('/v1/');
  const isOllama = op.path.startsWith('/api/') && !/^\/api\/(preferences|usage)\b/.test(op.path);
  const value = body as { error?: unknown; code?: unknown } | null;
  if (isOllama)
    return typeof value?.error === 'string' && value.error !== '' && typeof value.code === 'string';
  const inner = value?.error as Record<string, unknown> | undefined;
  return (
    isOpenAI &&
    typeof inner?.message === 'string' &&
    inner.message !== '' &&
    typeof inner.type === 'string' &&
    typeof inner.code === 'string' &&
    ERROR_CODE.test(inner.code)
  );
}

async function readAll(stream: Readable, ms: number): Promise<string> {
  const chunks: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        for await (const chunk of stream) chunks.push(Buffer.from(chunk));
      })(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no end to the answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    stream.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

describe.each(testEngines())('every operation of every openapi.json on %s', (engine) => {
  let platform: TestPlatform;
  let ollama: OllamaStandIn;
  let user: TestUser;
  const operations: Operation[] = [];
  /** Ids of things the user made, by the path that made them (POST /api/recipes → its id). */
  const madeIds = new Map<string, string>();
  const stats = new Map<string, number>();

  const signIn = async () => {
    const response = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/auth/login',
      payload: { login: user.username, password: user.password },
      remoteAddress: nextAddress(),
    });
    if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.body}`);
    user.headers = { authorization: `Bearer ${response.json().access_token}` };
  };

  /** Operations such as sign-out end the user's session: sign in again when one did. */
  const keepSignedIn = async () => {
    const me = await platform.app.inject({ url: '/calos/api/auth/me', headers: user.headers });
    if (me.statusCode === 401) await signIn();
  };

  /** An id the user made, for a field named like it (family_id: a family), else a fresh one. */
  function madeIdFor(field?: string): string;
  function madeIdFor(field: string, otherwise: string): string | undefined;
  function madeIdFor(field?: string, otherwise?: string): string | undefined {
    const stem = field?.replace(/_id$/, '').replaceAll('_', '-');
    if (stem) {
      for (const [path, id] of madeIds) {
        const last = path.split('/').at(-1) ?? '';
        if (last.startsWith(stem.slice(0, -1)) && stem.length > 2) return id;
      }
    }
    return otherwise === undefined ? randomUUID() : undefined;
  }

  /** A documented example, its ids replaced by ids of things the user made. */
  const withMadeIds = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(withMadeIds);
    if (!value || typeof value !== 'object') return value;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] =
        key.endsWith('_id') && typeof item === 'string' ? (madeIdFor(key, item) ?? item) : withMadeIds(item);
    }
    return copy;
  };

  /** A path with each parameter named by the thing made at the path before it, where one was. */
  const resolvePath = (op: Operation, template: string): string =>
    template.replace(/\{(\w+)\}/g, (_, name: string) => pathValue(op, name));

  function pathValue(op: Operation, name: string): string {
    const before = op.path.slice(0, op.path.indexOf(`{${name}}`)).replace(/\/$/, '');
    const made = madeIds.get(`${op.prefix}${resolvePath(op, before)}`);
    if (made) return made;
    const parameter = op.parameters.find((p) => p.in === 'path' && p.name === name);
    return String(validValue(parameter?.schema ?? { type: 'string' }));
  }

  /** The valid request, with the fuzz case's wrong value put in. */
  function requestFor(op: Operation, fuzz: FuzzCase | undefined) {
    const target = fuzz?.target;
    let path = op.path;
    for (const parameter of op.parameters.filter((p) => p.in === 'path')) {
      const value =
        target?.where === 'path' && target.name === parameter.name && fuzz
          ? urlText(fuzz.wrong)
          : encodeForUrl(pathValue(op, parameter.name));
      path = path.replace(`{${parameter.name}}`, value);
    }
    const query: string[] = [];
    for (const parameter of op.parameters.filter((p) => p.in === 'query')) {
      if (target?.where === 'query' && target.name === parameter.name && fuzz) {
        const name = encodeURIComponent(parameter.name);
        if ('repeat' in fuzz.wrong) query.push(`${name}=a`, `${name}=b`);
        else query.push(`${name}=${urlText(fuzz.wrong)}`);
      } else if (parameter.required) {
        query.push(`${parameter.name}=${encodeForUrl(String(validValue(parameter.schema)))}`);
      }
    }
    const headers: Record<string, string> = {};
    if (op.needsUser) Object.assign(headers, user.headers);
    for (const parameter of op.parameters.filter((p) => p.in === 'header')) {
      if (target?.where === 'header' && target.name === parameter.name && fuzz && 'text' in fuzz.wrong) {
        headers[parameter.name] = fuzz.wrong.text;
      } else if (parameter.name === 'idempotency-key') {
        headers[parameter.name] = randomUUID();
      } else if (parameter.required) {
        headers[parameter.name] = String(validValue(parameter.schema));
      }
    }
    if (target?.where === 'authorization' && fuzz && 'text' in fuzz.wrong)
      headers.authorization = fuzz.wrong.text;
    let payload: string | undefined;
    if (op.body) {
      let body = baselineBody(op);
      if (target?.where === 'body' && fuzz && 'json' in fuzz.wrong)
        body = replaceAt(body, target.place, fuzz.wrong.json);
      payload = JSON.stringify(body);
      headers['content-type'] =
        target?.where === 'content-type' && fuzz && 'text' in fuzz.wrong
          ? fuzz.wrong.text
          : 'application/json';
    }
    return {
      method: op.method as 'GET',
      url: `${op.prefix}${path}${query.length ? `?${query.join('&')}` : ''}`,
      headers,
      payload,
    };
  }

  const baselines = new Map<Operation, unknown>();
  const baselineBody = (op: Operation): unknown => {
    if (!op.body) return undefined;
    if (!baselines.has(op)) {
      const example =
        op.body.example === undefined ? undefined : withMadeIds(structuredClone(op.body.example));
      baselines.set(op, example ?? validValue(op.body.schema, madeIdFor));
    }
    return structuredClone(baselines.get(op));
  };

  function targetsOf(op: Operation): Target[] {
    const targets: Target[] = op.parameters.map((p) => ({ where: p.in, name: p.name, schema: p.schema }));
    if (op.needsUser) targets.push({ where: 'authorization' });
    if (op.body) {
      targets.push({ where: 'content-type' });
      for (const place of placesIn(baselineBody(op), op.body.schema)) {
        targets.push({ where: 'body', place, schema: schemaAt(op.body.schema, place) });
      }
    }
    return targets;
  }

  function validAt(op: Operation, target: Target): unknown {
    if (target.where === 'body') {
      let value = baselineBody(op);
      for (const step of target.place)
        value = (value as Record<string | number, unknown> | undefined)?.[step];
      return value ?? (target.schema ? validValue(target.schema) : undefined);
    }
    if (target.where === 'path') return pathValue(op, target.name);
    if (target.where === 'query') return String(validValue(target.schema));
    return undefined;
  }

  /** Sends one request; throws unless the answer is a success, or a 4xx in the error shape. */
  async function send(op: Operation, fuzz: FuzzCase | undefined): Promise<{ status: number; body: string }> {
    const request = requestFor(op, fuzz);
    let response: Awaited<ReturnType<typeof platform.app.inject>>;
    try {
      response = await platform.app.inject({
        ...request,
        payloadAsStream: true,
        remoteAddress: nextAddress(),
      });
    } catch (error) {
      // The client itself refuses to send some headers (a NUL in one): nothing reached the server.
      if ((error as { code?: string }).code === 'ERR_INVALID_CHAR') return { status: 0, body: '' };
      throw error;
    }
    const status = response.statusCode;
    if (process.env.FUZZ_STATS) {
      const key = `${label(op)} ${status}`;
      stats.set(key, (stats.get(key) ?? 0) + 1);
    }
    const type = String(response.headers['content-type'] ?? '');
    if (status < 400 && /event-stream|ndjson/.test(type)) {
      response.stream().destroy();
      return { status, body: '' };
    }
    const body = await readAll(response.stream(), 15_000);
    const where = `${request.method} ${request.url.slice(0, 300)}`;
    if (status >= 500) throw new Error(`${where} answered ${status}: ${body.slice(0, 500)}`);
    if (status >= 400) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        throw new Error(`${where} answered ${status} with a body that is not JSON: ${body.slice(0, 300)}`);
      }
      if (
        !isErrorShape(parsed) &&
        !isDocumentedOAuthError(op, status, parsed) &&
        !isDocumentedDialectError(op, status, parsed)
      )
        throw new Error(`${where} answered ${status} outside the error shape: ${body.slice(0, 300)}`);
    }
    return { status, body };
  }

  /** Makes one of each thing through its POST, so that wrong values reach real rows too. */
  async function makeThings() {
    const creators = operations.filter((op) => op.method === 'POST' && op.body);
    for (let pass = 0; pass < 2; pass++) {
      for (const op of creators) {
        const key = `${op.prefix}${resolvePath(op, op.path)}`;
        if (madeIds.has(key) || op.path.includes('/auth/')) continue;
        const { status, body } = await send(op, undefined).catch(() => ({ status: 0, body: '' }));
        if (process.env.FUZZ_STATS && (status < 200 || status >= 300))
          console.log('not made:', label(op), status, body.slice(0, 200));
        if (status < 200 || status >= 300) continue;
        const made = JSON.parse(body || 'null') as Record<string, unknown> | null;
        if (!made || typeof made !== 'object') continue;
        const idKey = ['id', ...Object.keys(made).filter((k) => k.endsWith('_id') && k !== 'user_id')].find(
          (k) => typeof made[k] === 'string' && /^[0-9a-f-]{36}$/i.test(made[k] as string),
        );
        if (idKey) madeIds.set(key, made[idKey] as string);
      }
      // Bodies chosen before a thing existed name it now.
      baselines.clear();
      await keepSignedIn();
    }
  }

  beforeAll(async () => {
    ollama = await startOllamaStandIn({
      models: ['llama3.2:latest', 'nomic-embed-text:latest'],
      loaded: [],
      replyWith: (request) => writeReply(request),
    });
    platform = await startTestPlatform(engine, {
      env: { OLLAMA_HOSTS: ollama.url, CALOS_PAYMENTS_WEBHOOK_SECRET: 'whsec_fuzz_0123456789abcdef' },
    });
    user = await given(platform).user({ plan: 'enterprise' });
    for (const prefix of PREFIXES) {
      const document = await platform.app.inject({ url: `${prefix}/openapi.json` });
      operations.push(...operationsOf(prefix, document.json()));
    }
    await makeThings();
  });

  afterAll(async () => {
    if (process.env.FUZZ_STATS) console.log([...stats].map(([k, n]) => `${k} ×${n}`).join('\n'), madeIds);
    await platform?.close();
    await ollama?.close();
  });

  it('answers wrong values with a 4xx in the error shape, never a 5xx', async () => {
    expect(operations.length).toBeGreaterThan(100);
    // Deleting comes last, so that the things made above stay for the other operations.
    const ordered = [
      ...operations.filter((o) => o.method !== 'DELETE'),
      ...operations.filter((o) => o.method === 'DELETE'),
    ];
    const failures: string[] = [];
    for (const op of ordered) {
      const targets = targetsOf(op);
      if (targets.length === 0) {
        await send(op, undefined).catch((error: Error) => failures.push(`${label(op)}: ${error.message}`));
        continue;
      }
      const cases = fc
        .constantFrom(...targets)
        .chain((target) => wrongFor(target, validAt(op, target)).map((wrong) => ({ target, wrong })));
      const details = await fc.check(
        fc.asyncProperty(cases, async (fuzz) => {
          await send(op, fuzz);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: false, maxSkipsPerRun: 0 },
      );
      if (details.failed) {
        const counterexample = details.counterexample?.[0] as FuzzCase | undefined;
        failures.push(
          `${label(op)} (seed ${SEED}, path ${details.counterexamplePath}): ${(details.errorInstance as Error)?.message}\n    case: ${describeCase(counterexample)}`,
        );
      }
      await keepSignedIn();
    }
    expect(failures, `FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}\n${failures.join('\n')}`).toEqual([]);
    // Some 40 s per engine on a quiet 2-core machine; the room above is for a busy one (the
    // test's size is bounded by RUNS, not by the clock).
  }, 240_000);
});

function describeCase(fuzz: FuzzCase | undefined): string {
  if (!fuzz) return '(none)';
  const where =
    fuzz.target.where === 'body'
      ? `body.${fuzz.target.place.join('.')}`
      : fuzz.target.where === 'authorization' || fuzz.target.where === 'content-type'
        ? fuzz.target.where
        : `${fuzz.target.where}.${fuzz.target.name}`;
  const value = JSON.stringify(fuzz.wrong, (_k, v) =>
    typeof v === 'string' && v.length > 80 ? `${v.slice(0, 40)}…(${v.length})` : v,
  );
  return `${where} = ${value}`;
}
