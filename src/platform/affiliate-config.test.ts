// CALOS_AFFILIATE_RETAILERS: off by default, a JSON list (or file) of retailers whose templates are
// https with {query} after a fixed host; every wrong entry is named in the one start-up error.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const amazon = {
  id: 'amazon',
  name: 'Amazon',
  url: 'https://www.amazon.com/s?k={query}&tag={tag}',
  tag: 'calos-20',
  apps: ['recipes', 'family'],
  kinds: ['grocery'],
};
const load = (value: string, env: Record<string, string> = {}) =>
  loadConfig({ NODE_ENV: 'test', CALOS_AFFILIATE_RETAILERS: value, ...env });
const problemsOf = (value: string) => {
  try {
    load(value);
    return '';
  } catch (error) {
    return String((error as Error).message);
  }
};

describe('CALOS_AFFILIATE_RETAILERS', () => {
  it('is off by default and with an empty list', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).affiliate.retailers).toEqual([]);
    expect(load('[]').affiliate.retailers).toEqual([]);
  });

  it('reads retailers, with every app and kind when none are named', () => {
    const { retailers } = load(
      JSON.stringify([amazon, { id: 'etsy', name: 'Etsy', url: 'https://www.etsy.com/search?q={query}' }]),
    ).affiliate;
    expect(retailers[0]).toEqual({ ...amazon });
    expect(retailers[1]).toEqual({
      id: 'etsy',
      name: 'Etsy',
      url: 'https://www.etsy.com/search?q={query}',
      tag: null,
      apps: ['hollowtown', 'recipes', 'family'],
      kinds: ['grocery', 'costume-material'],
    });
  });

  it('reads them from a JSON file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'calos-affiliate-'));
    const file = path.join(dir, 'retailers.json');
    writeFileSync(file, JSON.stringify([amazon]));
    expect(load(file).affiliate.retailers.map((r) => r.id)).toEqual(['amazon']);
    expect(problemsOf(path.join(dir, 'missing.json'))).toMatch(/CALOS_AFFILIATE_RETAILERS.*no file/);
  });

  it.each([
    ['not JSON', '[{', /not valid JSON/],
    [
      'not https',
      JSON.stringify([{ ...amazon, url: 'http://www.amazon.com/s?k={query}&tag={tag}' }]),
      /https/,
    ],
    ['no {query}', JSON.stringify([{ ...amazon, url: 'https://www.amazon.com/s?tag={tag}' }]), /\{query\}/],
    [
      '{query} in the host',
      JSON.stringify([{ ...amazon, url: 'https://{query}.example.com/?q={query}' }]),
      /host/,
    ],
    [
      'a user@ before the host',
      JSON.stringify([{ ...amazon, url: 'https://a@evil.example/?q={query}' }]),
      /host/,
    ],
    ['{tag} without a tag', JSON.stringify([{ ...amazon, tag: undefined }]), /\{tag\}/],
    [
      'an unknown placeholder',
      JSON.stringify([{ ...amazon, url: 'https://a.example/?q={query}&x={user}' }]),
      /placeholders/,
    ],
    ['an unknown app', JSON.stringify([{ ...amazon, apps: ['shop'] }]), /apps/],
    ['an unknown kind', JSON.stringify([{ ...amazon, kinds: ['car'] }]), /kinds/],
    ['a bad id', JSON.stringify([{ ...amazon, id: 'Amazon Store' }]), /\.id/],
    ['a repeated id', JSON.stringify([amazon, amazon]), /listed twice/],
    [
      'an unknown field',
      JSON.stringify([{ ...amazon, redirect: 'https://evil.example' }]),
      /unknown fields: redirect/,
    ],
  ])('refuses %s', (_what, value, problem) => {
    expect(problemsOf(value)).toMatch(problem);
  });

  it('needs a signing key in production: CALOS_AFFILIATE_KEY, or CALOS_MASTER_KEY', () => {
    const production = { NODE_ENV: 'production', CALOS_ISSUER: 'https://id.example.com/calos' };
    expect(() => load(JSON.stringify([amazon]), production)).toThrow(
      /CALOS_AFFILIATE_RETAILERS needs CALOS_AFFILIATE_KEY \(or CALOS_MASTER_KEY\)/,
    );
    // An app in a process of its own signs with its own key and never holds the master key.
    const key = 'ab'.repeat(32);
    const config = load(JSON.stringify([amazon]), { ...production, CALOS_AFFILIATE_KEY: key });
    expect(config.affiliate.signingKeyHex).toBe(key);
    expect(config.masterKey).toBeUndefined();
  });

  it('refuses a CALOS_AFFILIATE_KEY that is not 32 bytes in hex', () => {
    for (const bad of ['short', 'zz'.repeat(32), 'ab'.repeat(31)])
      expect(() => load(JSON.stringify([amazon]), { CALOS_AFFILIATE_KEY: bad })).toThrow(
        /CALOS_AFFILIATE_KEY must be 64 hexadecimal characters/,
      );
  });

  it('keeps links 30 days unless CALOS_AFFILIATE_LINK_MAX_AGE_DAYS (1 to 365) says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).affiliate.linkMaxAgeDays).toBe(30);
    expect(load('[]', { CALOS_AFFILIATE_LINK_MAX_AGE_DAYS: '7' }).affiliate.linkMaxAgeDays).toBe(7);
    for (const bad of ['0', '366', 'a week', '7.5', '-1'])
      expect(() => load('[]', { CALOS_AFFILIATE_LINK_MAX_AGE_DAYS: bad }), bad).toThrow(
        /CALOS_AFFILIATE_LINK_MAX_AGE_DAYS must be a whole number of days from 1 to 365/,
      );
  });
});
