// The RPC door and its HTTP client hand a method what a caller in process would: an argument left
// out stays absent (undefined), an explicit null stays null, Dates and Sets stay what they were,
// and an answer of undefined comes back undefined.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileValidator } from './http/schema-compilers.ts';
import type { App } from './http/service.ts';
import { createRpcClient, registerRpcDoor } from './rpc.ts';

const TOKEN = 'a-service-token-for-the-rpc-tests-0123456789';

interface Probe {
  /** What the method was called with: the arguments as it saw them, and how many. */
  seen(...args: unknown[]): Promise<{ args: unknown[]; count: number }>;
  page(userId: string, limit: number, before?: number): Promise<{ before: unknown; hasBefore: boolean }>;
  answer(kind: 'undefined' | 'null' | 'dated'): Promise<unknown>;
  /** Like recipes' getRecipeForUser: options default to {} when left out. */
  scaled(id: string, options?: { servings?: number }): Promise<string>;
}

const probe: Probe = {
  async seen(...args) {
    return { args, count: args.length };
  },
  async page(_userId, _limit, before) {
    return { before: before === undefined ? 'absent' : before, hasBefore: before !== undefined };
  },
  async answer(kind) {
    if (kind === 'null') return null;
    if (kind === 'dated') return { at: new Date('2026-01-02T03:04:05.000Z'), gone: undefined };
    return undefined;
  },
  async scaled(id, options = {}) {
    return `${id} for ${options.servings ?? 'as written'}`;
  },
};

describe('the RPC door', () => {
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
  let http: Probe;

  beforeAll(async () => {
    app.setValidatorCompiler(compileValidator);
    await app.register(
      async (scope) =>
        registerRpcDoor(scope as unknown as App, {
          client: probe,
          methods: ['seen', 'page', 'answer', 'scaled'],
          serviceToken: TOKEN,
        }),
      { prefix: '/probe' },
    );
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    http = createRpcClient<Probe>({
      baseUrl: url,
      prefix: '/probe',
      methods: ['seen', 'page', 'answer', 'scaled'],
      serviceToken: TOKEN,
    });
  });
  afterAll(() => app.close());

  const both = async <R>(call: (client: Probe) => Promise<R>) => {
    const [inProcess, overHttp] = [await call(probe), await call(http)];
    expect(overHttp).toEqual(inProcess);
    return overHttp;
  };

  it('leaves an optional argument that was left out absent, as in process', async () => {
    expect(await both((c) => c.page('u1', 10))).toEqual({ before: 'absent', hasBefore: false });
    expect(await both((c) => c.page('u1', 10, undefined))).toEqual({ before: 'absent', hasBefore: false });
    expect(await both((c) => c.page('u1', 10, 42))).toEqual({ before: 42, hasBefore: true });
  });

  it('lets a default parameter apply when its argument was left out', async () => {
    const options: { servings?: number } | undefined = undefined;
    expect(await both((c) => c.scaled('r1', options))).toBe('r1 for as written');
    expect(await both((c) => c.scaled('r1', { servings: undefined }))).toBe('r1 for as written');
    expect(await both((c) => c.scaled('r1', { servings: 4 }))).toBe('r1 for 4');
  });

  it('keeps an explicit null null, and an absent argument between others absent', async () => {
    const nulls = await http.seen('a', null);
    expect(nulls).toEqual({ args: ['a', null], count: 2 });
    expect(nulls.args[1]).toBeNull();
    const between = await http.seen('a', undefined, 3);
    expect(between.count).toBe(3);
    expect(between.args[1]).toBeUndefined();
    expect(1 in between.args).toBe(true);
  });

  it('passes undefined inside arrays and objects as a caller in process would see it', async () => {
    const sent = [{ a: 1, b: undefined, c: null }, [1, undefined, null], new Set(['x']), new Date(0)];
    const seen = await http.seen(...sent);
    expect(seen.args).toEqual(sent);
    const [object, array] = seen.args as [Record<string, unknown>, unknown[]];
    expect(object.b).toBeUndefined();
    expect(object.c).toBeNull();
    expect(array[1]).toBeUndefined();
    expect(array[2]).toBeNull();
    expect(seen.args[2]).toBeInstanceOf(Set);
    expect(seen.args[3]).toBeInstanceOf(Date);
  });

  it('answers undefined with undefined and null with null', async () => {
    expect(await http.answer('undefined')).toBeUndefined();
    expect(await http.answer('null')).toBeNull();
    const dated = (await both((c) => c.answer('dated'))) as { at: Date; gone?: unknown };
    expect(dated.at).toBeInstanceOf(Date);
  });
});
