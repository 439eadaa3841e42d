// Signed affiliate links: what a token carries, what it refuses, and the shop URL built from the
// configured template only.
import { describe, expect, it } from 'vitest';
import type { AffiliateRetailer } from '../platform/affiliate-config.ts';
import type { Database } from '../platform/db/database.ts';
import { AppError } from '../platform/errors.ts';
import { createLogger } from '../platform/logger.ts';
import { affiliateKey, createAffiliate, readLink, retailerUrl, signLink } from './links.ts';

const key = affiliateKey(Buffer.alloc(32, 3));
const DAY_MS = 86_400_000;
/** The test's clock, in whole seconds as links carry it. */
const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
const claims = {
  retailer: 'amazon',
  query: 'black pepper',
  app: 'recipes',
  kind: 'grocery',
  userId: '5f0c6f6e-8a7b-4c1d-9e2f-0a1b2c3d4e5f',
  issuedAt,
} as const;
const amazon: AffiliateRetailer = {
  id: 'amazon',
  name: 'Amazon',
  url: 'https://www.amazon.example/s?k={query}&tag={tag}',
  tag: 'calos-20',
  apps: ['recipes'],
  kinds: ['grocery'],
};

describe('affiliate link tokens', () => {
  it('read back what was signed, and nothing changed or signed by another key', () => {
    const token = signLink(key, claims);
    expect(readLink(key, token)).toEqual(claims);
    const [body = '', mac = ''] = token.split('.');
    const other = Buffer.from(
      JSON.stringify({ r: 'amazon', q: 'x', a: 'recipes', k: 'grocery', u: claims.userId }),
    );
    expect(readLink(key, `${other.toString('base64url')}.${mac}`)).toBeUndefined();
    expect(readLink(key, `${body}.${mac}x`)).toBeUndefined();
    expect(readLink(key, body)).toBeUndefined();
    expect(readLink(affiliateKey(Buffer.alloc(32, 4)), token)).toBeUndefined();
    expect(readLink(key, signLink(key, { ...claims, userId: 'not-a-uuid' }))).toBeUndefined();
  });

  it('build the shop URL from the template, the search encoded so it cannot leave the shop', () => {
    expect(retailerUrl(amazon, 'salt & pepper')).toBe(
      'https://www.amazon.example/s?k=salt%20%26%20pepper&tag=calos-20',
    );
    for (const query of ['//evil.example', 'x@evil.example', '#/../evil', 'https://evil.example/?a=b'])
      expect(new URL(retailerUrl(amazon, query)).host).toBe('www.amazon.example');
  });
});

describe('links for a person', () => {
  const affiliate = (
    showsLinks: (userId: string) => Promise<boolean>,
    options: { now?: () => Date; signingKey?: Buffer; maxAgeDays?: number } = {},
  ) =>
    createAffiliate({
      app: 'recipes',
      config: { retailers: [amazon], linkMaxAgeDays: options.maxAgeDays ?? 30 },
      signingKey: () => options.signingKey ?? affiliateKey(Buffer.alloc(32, 3)),
      goBase: '/recipes/go/',
      showsLinks,
      db: {} as Database,
      now: options.now ?? (() => issuedAt),
      logger: createLogger({ logLevel: 'silent' }),
    });
  const codeOf = async (promise: Promise<unknown>) => {
    try {
      return await promise;
    } catch (error) {
      return error instanceof AppError ? `${error.status} ${error.code}` : String(error);
    }
  };

  it('are there when the person shows them, and none (fields kept) when they switched them off', async () => {
    const on = await affiliate(async () => true).forUser(claims.userId);
    const [link] = on.linksFor('grocery', '  black   pepper ');
    expect(link?.retailer).toBe('Amazon');
    expect(readLink(key, link?.url.slice('/recipes/go/'.length) ?? '')).toEqual(claims);
    expect(on.linksFor('costume-material', 'foil')).toEqual([]);
    const off = await affiliate(async () => false).forUser(claims.userId);
    expect(off).toMatchObject({ enabled: true, disclosure: null });
    expect(off.linksFor('grocery', 'pepper')).toEqual([]);
  });

  it('are none when identity cannot say, and identity is asked once per person for a while', async () => {
    const failing = await affiliate(async () => {
      throw new Error('identity is away');
    }).forUser(claims.userId);
    expect(failing.linksFor('grocery', 'pepper')).toEqual([]);
    let asked = 0;
    const counted = affiliate(async () => {
      asked++;
      return true;
    });
    await counted.forUser(claims.userId);
    await counted.forUser(claims.userId);
    expect(asked).toBe(1);
  });

  it('carry when they were made and are refused once older than the configured age', async () => {
    const [link] = (await affiliate(async () => true).forUser(claims.userId)).linksFor('grocery', 'pepper');
    const token = link?.url.slice('/recipes/go/'.length) ?? '';
    expect(readLink(key, token)?.issuedAt).toEqual(issuedAt);
    const at = (days: number) => () => new Date(issuedAt.getTime() + days * DAY_MS);
    const shop = 'https://www.amazon.example/s?k=pepper&tag=calos-20';
    expect(
      await codeOf(affiliate(async () => true, { now: at(29.9) }).follow(token, { record: false })),
    ).toBe(shop);
    expect(
      await codeOf(affiliate(async () => true, { now: at(30.1) }).follow(token, { record: false })),
    ).toBe('410 AFFILIATE_LINK_EXPIRED');
    const week = { now: at(8), maxAgeDays: 7 };
    expect(await codeOf(affiliate(async () => true, week).follow(token, { record: false }))).toBe(
      '410 AFFILIATE_LINK_EXPIRED',
    );
    // One made in the future is not ours.
    const future = signLink(key, { ...claims, issuedAt: new Date(issuedAt.getTime() + DAY_MS) });
    expect(await codeOf(affiliate(async () => true).follow(future, { record: false }))).toBe(
      '400 AFFILIATE_LINK_INVALID',
    );
  });

  it('treat a validly signed link without its time as expired', async () => {
    const { createHmac } = await import('node:crypto');
    const body = Buffer.from(
      JSON.stringify({ r: 'amazon', q: 'pepper', a: 'recipes', k: 'grocery', u: claims.userId }),
    ).toString('base64url');
    const mac = createHmac('sha256', key).update(body).digest().subarray(0, 16).toString('base64url');
    expect(readLink(key, `${body}.${mac}`)?.issuedAt).toBeNull();
    expect(await codeOf(affiliate(async () => true).follow(`${body}.${mac}`, { record: false }))).toBe(
      '410 AFFILIATE_LINK_EXPIRED',
    );
  });

  it('end when the signing key is rotated', async () => {
    const [link] = (await affiliate(async () => true).forUser(claims.userId)).linksFor('grocery', 'pepper');
    const token = link?.url.slice('/recipes/go/'.length) ?? '';
    const rotated = affiliate(async () => true, { signingKey: affiliateKey(Buffer.alloc(32, 9)) });
    expect(await codeOf(rotated.follow(token, { record: false }))).toBe('400 AFFILIATE_LINK_INVALID');
    const [fresh] = (await rotated.forUser(claims.userId)).linksFor('grocery', 'pepper');
    expect(
      await codeOf(rotated.follow(fresh?.url.slice('/recipes/go/'.length) ?? '', { record: false })),
    ).toBe('https://www.amazon.example/s?k=pepper&tag=calos-20');
  });
});
