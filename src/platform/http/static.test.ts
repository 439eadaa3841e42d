import { describe, expect, it } from 'vitest';
import type { ServiceName } from '../config.ts';
import { contentSecurityPolicy, isWebOrigin, pageConfigFor } from './static.ts';

const hosts = new Map<string, ServiceName>([
  ['account.localhost', 'identity'],
  ['hollowtown.localhost', 'hollowtown'],
  ['recipes.localhost', 'recipes'],
  ['*.family.test', 'family'],
]);

describe('where a page finds itself and its APIs', () => {
  it('keeps everything on one origin, under prefixes, on an unmapped host', () => {
    expect(pageConfigFor('hollowtown', hosts, 'localhost:3000', 'http')).toEqual({
      app: 'hollowtown',
      base: '/hollowtown',
      api: '/hollowtown',
      identity: '/calos',
      account: '/account/',
      ai: '/ai',
      apps: { hollowtown: '/hollowtown/', recipes: '/recipes/', family: '/family/' },
    });
  });

  it("answers at / on the app's own host and reaches identity on the account host", () => {
    expect(pageConfigFor('hollowtown', hosts, 'hollowtown.localhost:3000', 'http')).toEqual({
      app: 'hollowtown',
      base: '',
      api: '',
      identity: 'http://account.localhost:3000',
      account: 'http://account.localhost:3000/account/',
      // No host is mapped to the AI gateway: the page finds it on localhost under its prefix.
      ai: 'http://localhost:3000/ai',
      // A wildcard names no single host, so Family falls back to localhost with its prefix.
      apps: {
        hollowtown: '/',
        recipes: 'http://recipes.localhost:3000/',
        family: 'http://localhost:3000/family/',
      },
    });
  });

  it('serves the account console at /account/ on the identity host, with identity at its root', () => {
    const config = pageConfigFor('account', hosts, 'account.localhost:3000', 'http');
    expect(config).toMatchObject({ base: '/account', api: '', identity: '', account: '/account/' });
  });

  it('falls back to localhost for identity when no host is mapped to it', () => {
    const config = pageConfigFor(
      'recipes',
      new Map([['recipes.localhost', 'recipes']]),
      'recipes.localhost',
      'https',
    );
    expect(config).toMatchObject({
      identity: 'https://localhost/calos',
      account: 'https://localhost/account/',
    });
  });

  it('answers CORS only for origins whose host maps to a service with pages', () => {
    expect(isWebOrigin(hosts, 'http://hollowtown.localhost:3000')).toBe(true);
    expect(isWebOrigin(hosts, 'https://shop.family.test')).toBe(true);
    expect(isWebOrigin(hosts, 'http://evil.example')).toBe(false);
    expect(isWebOrigin(hosts, 'http://localhost:3000')).toBe(false);
    expect(isWebOrigin(hosts, 'null')).toBe(false);
  });
});

describe("a page's Content-Security-Policy", () => {
  const directives = (policy: string) =>
    new Map(policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)] as const));

  it('lets scripts and styles come only from the page itself, and forbids framing and plugins', () => {
    const policy = directives(
      contentSecurityPolicy(pageConfigFor('recipes', hosts, 'localhost:3000', 'http')),
    );
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    // Everything on one host: the page talks only to itself.
    expect(policy.get('connect-src')).toEqual(["'self'"]);
  });

  it('lets a page on its own host call identity and the other apps on theirs, and nothing else', () => {
    const policy = directives(
      contentSecurityPolicy(pageConfigFor('hollowtown', hosts, 'hollowtown.localhost:3000', 'http')),
    );
    expect(policy.get('connect-src')).toEqual([
      "'self'",
      'http://account.localhost:3000',
      'http://recipes.localhost:3000',
      'http://localhost:3000',
    ]);
  });
});
