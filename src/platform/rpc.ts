// A service's client over HTTP, for a service served by another process: every method of the
// client's contract is one POST to `<prefix>/internal/rpc` on the service that owns it, with the
// shared service token. The same contract answers in process (the client object itself) and
// over HTTP (a client built from the method list), so a caller cannot tell which it has.
// Values JSON cannot carry (Date, Set, and undefined where JSON would write null) travel tagged
// and come back as they were: an argument left out stays absent and an explicit null stays null,
// as in process. Errors come back as the AppErrors they were.
import { Type } from 'typebox';
import { request } from 'undici';
import { safeEqual } from './crypto/tokens.ts';
import { PlatformErrors } from './errors.ts';
import type { App } from './http/service.ts';

export const SERVICE_TOKEN_HEADER = 'x-calos-service-token';

/** 'method' for a function of the client, 'area.method' for one of a nested area. */
export type RpcMethodOf<T> = {
  [K in keyof T & string]: T[K] extends (...args: never[]) => unknown
    ? K
    : T[K] extends object
      ? {
          [M in keyof T[K] & string]: T[K][M] extends (...args: never[]) => unknown ? `${K}.${M}` : never;
        }[keyof T[K] & string]
      : never;
}[keyof T & string];

/**
 * The methods of a client that travel over HTTP: every method of T but those named in
 * `Local` (callbacks and the like, which an HTTP client answers itself). The compiler refuses a
 * list that misses one.
 */
export function rpcMethods<T, Local extends RpcMethodOf<T> = never>() {
  return <const L extends readonly Exclude<RpcMethodOf<T>, Local>[]>(
    ...methods: L & ([Exclude<RpcMethodOf<T>, Local>] extends [L[number]] ? unknown : 'missing methods')
  ): L => methods;
}

/** Where JSON would turn undefined into null (an array's element, a positional argument). */
const UNDEFINED = { $undefined: true } as const;

/**
 * Values in a form JSON carries: Dates and Sets tagged, recursively; an undefined element of an
 * array tagged (JSON would write null); an undefined property left out (as JSON does).
 */
export function toWire(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (value instanceof Set) return { $set: [...value].map(toWire) };
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? UNDEFINED : toWire(v)));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toWire(v)]),
    );
  }
  return value;
}

export function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value && typeof value === 'object') {
    const tagged = value as { $date?: unknown; $set?: unknown; $undefined?: unknown };
    const keys = Object.keys(value);
    if (keys.length === 1 && typeof tagged.$date === 'string') return new Date(tagged.$date);
    if (keys.length === 1 && Array.isArray(tagged.$set)) return new Set(tagged.$set.map(fromWire));
    if (keys.length === 1 && tagged.$undefined === true) return undefined;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(v)]));
  }
  return value;
}

/**
 * A call's arguments for the wire: trailing absent ones left off, so the method sees as many
 * arguments as a caller in process who left them out; an absent one between others tagged.
 */
export function argsToWire(args: readonly unknown[]): unknown[] {
  let length = args.length;
  while (length > 0 && args[length - 1] === undefined) length--;
  return toWire(args.slice(0, length)) as unknown[];
}

const methodOf = (client: object, name: string) => {
  const [area, method] = name.split('.') as [string, string | undefined];
  const target = (method ? (client as Record<string, unknown>)[area] : client) as Record<string, unknown>;
  const fn = target?.[method ?? area];
  if (typeof fn !== 'function') throw new Error(`the client has no method ${name}`);
  return { target, fn: fn as (...args: unknown[]) => Promise<unknown> };
};

/**
 * POST /internal/rpc in a service's scope: the service's client for other CALOS processes. Only
 * callers holding CALOS_SERVICE_TOKEN get in; without a token the route does not exist. Hidden
 * from the public API documentation.
 */
export function registerRpcDoor(
  app: App,
  options: { client: object; methods: readonly string[]; serviceToken: string | undefined },
): void {
  const { client, methods, serviceToken } = options;
  if (!serviceToken) return;
  for (const name of methods) methodOf(client, name); // every listed method exists, at start
  app.post(
    '/internal/rpc',
    {
      schema: {
        hide: true,
        body: Type.Object(
          {
            method: Type.Unsafe<string>({ type: 'string', enum: [...methods] }),
            args: Type.Array(Type.Unknown(), { maxItems: 6 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const presented = request.headers[SERVICE_TOKEN_HEADER];
      if (typeof presented !== 'string' || !safeEqual(presented, serviceToken)) {
        throw PlatformErrors.serviceTokenInvalid();
      }
      const { target, fn } = methodOf(client, request.body.method);
      const result = await fn.apply(target, fromWire(request.body.args) as unknown[]);
      // An undefined answer leaves `result` out, and the caller reads undefined, not null.
      return result === undefined ? {} : { result: toWire(result) };
    },
  );
}

export interface RpcClientOptions<T> {
  /** Where the owning service answers (its origin, or a proxy in front of every service). */
  baseUrl: string;
  /** The service's prefix on the shared host, e.g. '/hollowtown'. */
  prefix: string;
  methods: readonly string[];
  serviceToken: string;
  /** What the HTTP client answers itself, by method name (callbacks, local no-ops). */
  local?: Partial<Record<RpcMethodOf<T>, (...args: never[]) => unknown>>;
  /** Longest wait for an answer (a long poll needs more than a lookup). */
  timeoutMs?: number;
}

/** The client of a service in another process, with the contract T. */
export function createRpcClient<T>(options: RpcClientOptions<T>): T {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${options.prefix}/internal/rpc`;
  const timeout = options.timeoutMs ?? 30_000;
  const call = async (method: string, args: unknown[]): Promise<unknown> => {
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SERVICE_TOKEN_HEADER]: options.serviceToken },
        body: JSON.stringify({ method, args: argsToWire(args) }),
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
    } catch (error) {
      throw PlatformErrors.serviceUnavailable(options.prefix.slice(1), (error as Error).message);
    }
    const body = (await response.body.json().catch(() => ({}))) as {
      result?: unknown;
      error?: { code: string; message: string; details?: unknown };
    };
    if (response.statusCode >= 400 || body.error) {
      const error = body.error ?? {
        code: 'SERVICE_UNAVAILABLE',
        message: `${options.prefix.slice(1)} answered ${response.statusCode}`,
      };
      throw PlatformErrors.relayed(response.statusCode, error.code, error.message, error.details);
    }
    return fromWire(body.result);
  };
  const client: Record<string, unknown> = {};
  const place = (name: string, fn: (...args: unknown[]) => unknown) => {
    const [area, method] = name.split('.') as [string, string | undefined];
    if (!method) {
      client[area] = fn;
      return;
    }
    client[area] ??= {};
    (client[area] as Record<string, unknown>)[method] = fn;
  };
  for (const name of options.methods) place(name, (...args: unknown[]) => call(name, args));
  for (const [name, fn] of Object.entries(options.local ?? {}))
    place(name, fn as (...args: unknown[]) => unknown);
  return client as T;
}
