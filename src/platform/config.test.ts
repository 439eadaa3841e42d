import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { ConfigError } from './errors.ts';
import { isInSeason } from './seasons.ts';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env, '/srv/calos');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('configuration', () => {
  it('defaults to the embedded engine in ./.calos on port 3000', () => {
    const config = loadConfig({}, '/srv/calos');
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe(path.resolve('/srv/calos/.calos'));
    expect(config.databases.identity).toEqual({
      engine: 'pglite',
      dir: path.resolve('/srv/calos/.calos/identity'),
      thread: 'main',
    });
    expect(config.databases.family.engine).toBe('pglite');
    expect(loadConfig({ CALOS_PGLITE_THREAD: 'worker' }, '/srv').databases.recipes).toMatchObject({
      thread: 'worker',
    });
    expect(() => loadConfig({ CALOS_PGLITE_THREAD: 'both' }, '/srv')).toThrow(/CALOS_PGLITE_THREAD/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('puts all four databases on one server with CALOS_POSTGRES_URL, under their design names', () => {
    const config = loadConfig({ CALOS_POSTGRES_URL: 'postgres://app:secret@db.internal:5432' }, '/srv');
    expect(config.databases.identity).toMatchObject({
      engine: 'postgres',
      database: 'calos_identity',
      url: 'postgres://app:secret@db.internal:5432/calos_identity',
      maintenanceUrl: 'postgres://app:secret@db.internal:5432/postgres',
    });
    expect(config.databases.hollowtown).toMatchObject({ database: 'hollowtown_db' });
    expect(config.databases.recipes).toMatchObject({ database: 'recipes_db' });
    expect(config.databases.family).toMatchObject({ database: 'family_db' });
  });

  it('lets a per-database URL win over CALOS_POSTGRES_URL and leaves the others where they are', () => {
    const config = loadConfig(
      {
        CALOS_POSTGRES_URL: 'postgres://app@main:5432',
        HOLLOWTOWN_DATABASE_URL: 'postgresql://contractor@spooky:6543/halloween',
      },
      '/srv',
    );
    expect(config.databases.hollowtown).toMatchObject({ engine: 'postgres', database: 'halloween' });
    expect(config.databases.recipes).toMatchObject({ url: 'postgres://app@main:5432/recipes_db' });
  });

  it('can run one database on Postgres and the rest embedded', () => {
    const config = loadConfig({ FAMILY_DATABASE_URL: 'postgres://localhost/family_db' }, '/srv');
    expect(config.databases.family.engine).toBe('postgres');
    expect(config.databases.identity.engine).toBe('pglite');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ CALOS_POSTGRES_URL: 'mysql://localhost' }, 'CALOS_POSTGRES_URL'],
    [{ IDENTITY_DATABASE_URL: 'not a url' }, 'IDENTITY_DATABASE_URL'],
    [{ RECIPES_DATABASE_URL: 'postgres://localhost:5432' }, 'RECIPES_DATABASE_URL must name a database'],
    [{ REDIS_URL: 'http://localhost:6379' }, 'REDIS_URL'],
    [{ CALOS_MASTER_KEY: 'too-short' }, 'CALOS_MASTER_KEY'],
    [{ CALOS_HOSTS: 'api.hollowtown.com' }, 'CALOS_HOSTS'],
    [{ CALOS_HOSTS: 'api.hollowtown.com=halloween' }, 'unknown service "halloween"'],
    [{ CALOS_HOSTS: 'bad host!=hollowtown' }, 'invalid host name'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
  ])('rejects %o with a message naming the variable', (env, expected) => {
    const problems = problemsOf(env as Record<string, string>);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it('trusts no proxy by default, and takes hops, true or addresses and CIDR ranges from CALOS_TRUST_PROXY', () => {
    expect(loadConfig({}, '/srv').trustProxy).toBe(false);
    expect(loadConfig({ CALOS_TRUST_PROXY: 'true' }, '/srv').trustProxy).toBe(true);
    expect(loadConfig({ CALOS_TRUST_PROXY: '2' }, '/srv').trustProxy).toBe(2);
    expect(
      loadConfig({ CALOS_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1/128,loopback' }, '/srv').trustProxy,
    ).toEqual(['10.0.0.0/8', '127.0.0.1', '::1/128', 'loopback']);
    for (const wrong of ['yes', '10.0.0.0/33', '300.1.1.1', 'proxy.internal', '10.0.0.1/8/2', '-1']) {
      const problems = problemsOf({ CALOS_TRUST_PROXY: wrong });
      expect(problems, wrong).toHaveLength(1);
      expect(problems[0]).toContain('CALOS_TRUST_PROXY');
    }
  });

  it('gives each deployment its own Redis key prefix unless CALOS_REDIS_PREFIX names one', () => {
    const a = loadConfig({ CALOS_POSTGRES_URL: 'postgres://app:one@db-a.internal:5432' }, '/srv');
    const aAgain = loadConfig({ CALOS_POSTGRES_URL: 'postgres://app:rotated@db-a.internal:5432' }, '/other');
    const b = loadConfig({ CALOS_POSTGRES_URL: 'postgres://app:one@db-b.internal:5432' }, '/srv');
    const embedded = loadConfig({}, '/srv');
    expect(a.redisPrefix).toMatch(/^calos:[0-9a-f]{12}$/);
    expect(aAgain.redisPrefix).toBe(a.redisPrefix);
    expect(new Set([a.redisPrefix, b.redisPrefix, embedded.redisPrefix]).size).toBe(3);
    expect(loadConfig({ CALOS_REDIS_PREFIX: 'shop-eu:calos' }, '/srv').redisPrefix).toBe('shop-eu:calos');
    expect(problemsOf({ CALOS_REDIS_PREFIX: 'has space' })[0]).toContain('CALOS_REDIS_PREFIX');
  });

  it('takes the marketplace fee from CALOS_MARKET_FEE_PERCENT (default 10), a whole percent', () => {
    expect(loadConfig({}, '/srv').marketFeePercent).toBe(10);
    expect(loadConfig({ CALOS_MARKET_FEE_PERCENT: '0' }, '/srv').marketFeePercent).toBe(0);
    expect(loadConfig({ CALOS_MARKET_FEE_PERCENT: '100' }, '/srv').marketFeePercent).toBe(100);
    for (const wrong of ['101', '-1', '7.5', 'ten', '0010']) {
      const problems = problemsOf({ CALOS_MARKET_FEE_PERCENT: wrong });
      expect(problems, wrong).toHaveLength(1);
      expect(problems[0]).toContain('CALOS_MARKET_FEE_PERCENT');
    }
  });

  it('takes the marketplace grace period from CALOS_MARKET_PENDING_GRACE_SECONDS (default 2 minutes), bounded', () => {
    expect(loadConfig({}, '/srv').marketPendingGraceMs).toBe(120_000);
    expect(loadConfig({ CALOS_MARKET_PENDING_GRACE_SECONDS: '60' }, '/srv').marketPendingGraceMs).toBe(
      60_000,
    );
    expect(loadConfig({ CALOS_MARKET_PENDING_GRACE_SECONDS: '3600' }, '/srv').marketPendingGraceMs).toBe(
      3_600_000,
    );
    for (const wrong of ['59', '3601', '0', '-120', '90.5', '2m', '0120', '99999']) {
      const problems = problemsOf({ CALOS_MARKET_PENDING_GRACE_SECONDS: wrong });
      expect(problems, wrong).toHaveLength(1);
      expect(problems[0]).toContain('CALOS_MARKET_PENDING_GRACE_SECONDS');
    }
    // Listed with the others in the one start-up error.
    expect(
      problemsOf({ CALOS_MARKET_FEE_PERCENT: '101', CALOS_MARKET_PENDING_GRACE_SECONDS: '1' }).map(
        (p) => p.split(' ')[0],
      ),
    ).toEqual(['CALOS_MARKET_FEE_PERCENT', 'CALOS_MARKET_PENDING_GRACE_SECONDS']);
  });

  it('lists every bad variable in one error', () => {
    const problems = problemsOf({ PORT: '-1', REDIS_URL: 'nope', CALOS_HOSTS: 'x=y' });
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['PORT', 'REDIS_URL', 'CALOS_HOSTS']);
  });

  it('reads the Halloween season and the starter pack switch, and lists bad values', () => {
    const defaults = loadConfig({}, '/srv');
    expect(defaults.halloweenSeason).toEqual({ from: '09-15', to: '11-02' });
    expect(defaults.starterPack).toBe(true);
    const set = loadConfig({ CALOS_HALLOWEEN_SEASON: '12-01..01-06', CALOS_STARTER_PACK: 'off' }, '/srv');
    expect(set.halloweenSeason).toEqual({ from: '12-01', to: '01-06' });
    expect(set.starterPack).toBe(false);
    for (const season of ['09-15', '09-15..11-31', '13-01..11-02', '9-15..11-02', '09-15...11-02']) {
      expect(problemsOf({ CALOS_HALLOWEEN_SEASON: season }), season).toEqual([
        expect.stringMatching(/^CALOS_HALLOWEEN_SEASON must be two month-days/),
      ]);
    }
    expect(problemsOf({ CALOS_STARTER_PACK: 'maybe' })).toEqual([
      expect.stringMatching(/^CALOS_STARTER_PACK must be on or off/),
    ]);
  });

  it('tells whether a day is in season, by UTC day, also across the new year', () => {
    const halloween = { from: '09-15', to: '11-02' };
    expect(isInSeason(halloween, new Date('2030-09-15T00:00:00Z'))).toBe(true);
    expect(isInSeason(halloween, new Date('2030-11-02T23:59:59Z'))).toBe(true);
    expect(isInSeason(halloween, new Date('2030-11-03T00:00:00Z'))).toBe(false);
    expect(isInSeason(halloween, new Date('2030-09-14T23:59:59Z'))).toBe(false);
    const christmas = { from: '12-01', to: '01-06' };
    expect(isInSeason(christmas, new Date('2030-12-31T12:00:00Z'))).toBe(true);
    expect(isInSeason(christmas, new Date('2031-01-06T12:00:00Z'))).toBe(true);
    expect(isInSeason(christmas, new Date('2031-01-07T12:00:00Z'))).toBe(false);
  });

  it('reads the recipe import limits, and lists bad ones', () => {
    const defaults = loadConfig({}, '/srv').recipeImport;
    expect(defaults).toMatchObject({ timeoutMs: 10_000, maxBytes: 5 * 1024 * 1024, maxRedirects: 5 });
    expect([...defaults.allowedHosts]).toEqual([]);
    const set = loadConfig(
      { RECIPE_IMPORT_TIMEOUT_MS: '2500', RECIPE_IMPORT_ALLOWED_HOSTS: 'Recipes.Intranet:443, [::1]:8080' },
      '/srv',
    ).recipeImport;
    expect(set.timeoutMs).toBe(2500);
    expect([...set.allowedHosts]).toEqual(['recipes.intranet:443', '[::1]:8080']);
    const problems = problemsOf({
      RECIPE_IMPORT_TIMEOUT_MS: '5s',
      RECIPE_IMPORT_MAX_BYTES: '10',
      RECIPE_IMPORT_MAX_REDIRECTS: '99',
      RECIPE_IMPORT_ALLOWED_HOSTS: 'no-port.example',
    });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual([
      'RECIPE_IMPORT_ALLOWED_HOSTS',
      'RECIPE_IMPORT_MAX_BYTES',
      'RECIPE_IMPORT_MAX_REDIRECTS',
      'RECIPE_IMPORT_TIMEOUT_MS',
    ]);
  });

  it('never repeats a password from a URL in its message', () => {
    const [problem] = problemsOf({ CALOS_POSTGRES_URL: 'http://user:hunter2@db:5432' });
    expect(problem).not.toContain('hunter2');
  });

  it('requires the OpenID issuer in production, as an https URL', () => {
    const base = { NODE_ENV: 'production', CALOS_MASTER_KEY: 'a'.repeat(64) };
    expect(problemsOf(base)).toEqual([expect.stringContaining('CALOS_ISSUER is required in production')]);
    expect(problemsOf({ ...base, CALOS_ISSUER: 'http://calos.example.com/calos' })).toEqual([
      expect.stringContaining('CALOS_ISSUER must be an https:// URL in production'),
    ]);
    expect(problemsOf({ ...base, CALOS_ISSUER: 'https://calos.example.com/calos' })).toEqual([]);
    // Outside production the development default stands.
    expect(loadConfig({}, '/srv').issuer).toBe('http://localhost:3000/calos');
    expect(loadConfig({ PORT: '4100' }, '/srv').issuer).toBe('http://localhost:4100/calos');
    expect(loadConfig({ PORT: '0' }, '/srv').issuer).toBe('http://localhost:3000/calos');
  });

  it('requires a master key in production when the databases are on Postgres', () => {
    const problems = problemsOf({ NODE_ENV: 'production', CALOS_POSTGRES_URL: 'postgres://db:5432' });
    expect(problems[0]).toContain('CALOS_MASTER_KEY is required in production');
  });

  it('accepts a master key as hex or base64 and host mappings with wildcards', () => {
    const hex = 'a'.repeat(64);
    const config = loadConfig(
      { CALOS_MASTER_KEY: hex, CALOS_HOSTS: 'api.hollowtown.com=hollowtown, *.calos.localhost=identity' },
      '/srv',
    );
    expect(config.masterKey?.length).toBe(32);
    expect(loadConfig({ CALOS_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') }).masterKey?.length).toBe(
      32,
    );
    expect([...config.hosts]).toEqual([
      ['api.hollowtown.com', 'hollowtown'],
      ['*.calos.localhost', 'identity'],
    ]);
  });

  it('reads the mail settings: an smtp(s) URL, a From address, and in production the console address for links', () => {
    const config = loadConfig(
      {
        CALOS_SMTP_URL: 'smtps://mailer:secret@smtp.example.com:465',
        CALOS_MAIL_FROM: 'CALOS <no-reply@calos.com>',
        CALOS_ACCOUNT_URL: 'https://account.calos.com/account',
      },
      '/srv',
    );
    expect(config.mail).toEqual({
      smtpUrl: 'smtps://mailer:secret@smtp.example.com:465',
      from: 'CALOS <no-reply@calos.com>',
      accountUrl: 'https://account.calos.com/account/',
    });
    expect(loadConfig({}, '/srv').mail).toEqual({
      smtpUrl: undefined,
      from: 'CALOS <no-reply@calos.localhost>',
      accountUrl: undefined,
    });
    const problems = problemsOf({
      CALOS_SMTP_URL: 'http://mailer:secret@smtp.example.com',
      CALOS_MAIL_FROM: 'not an address',
      CALOS_ACCOUNT_URL: 'ftp://account.calos.com/',
    });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('CALOS_SMTP_URL must be an smtp:// or smtps:// URL');
    expect(problems[0]).not.toContain('secret');
    expect(problems[1]).toContain('CALOS_MAIL_FROM');
    expect(problems[2]).toContain('CALOS_ACCOUNT_URL');
    // Links in mails must not be built from a Host header a caller chooses.
    expect(
      problemsOf({
        NODE_ENV: 'production',
        CALOS_SMTP_URL: 'smtp://relay:25',
        CALOS_MAIL_FROM: 'a@b.co',
        CALOS_ISSUER: 'https://calos.example.com/calos',
      }),
    ).toEqual([expect.stringContaining('CALOS_ACCOUNT_URL is required in production')]);
  });

  it('takes the VAPID keys of Web Push all together, checked, and leaves push off without them', async () => {
    const { generateVAPIDKeys } = await import('web-push');
    const keys = generateVAPIDKeys();
    const other = generateVAPIDKeys();
    expect(loadConfig({}, '/srv').webPush).toBeUndefined();
    expect(
      loadConfig(
        {
          CALOS_VAPID_PUBLIC_KEY: keys.publicKey,
          CALOS_VAPID_PRIVATE_KEY: keys.privateKey,
          CALOS_VAPID_SUBJECT: 'mailto:ops@calos.example',
        },
        '/srv',
      ).webPush,
    ).toEqual({
      publicKey: keys.publicKey,
      privateKey: keys.privateKey,
      subject: 'mailto:ops@calos.example',
    });
    expect(problemsOf({ CALOS_VAPID_PUBLIC_KEY: keys.publicKey })).toEqual([
      expect.stringContaining('go together'),
    ]);
    const vapid = (publicKey: string, privateKey: string, subject: string) =>
      problemsOf({
        CALOS_VAPID_PUBLIC_KEY: publicKey,
        CALOS_VAPID_PRIVATE_KEY: privateKey,
        CALOS_VAPID_SUBJECT: subject,
      });
    expect(vapid('abc', keys.privateKey, 'mailto:a@b.c')).toEqual([
      expect.stringContaining('CALOS_VAPID_PUBLIC_KEY must be an uncompressed P-256 public key'),
    ]);
    expect(vapid(keys.publicKey, 'not-a-key!', 'mailto:a@b.c')).toEqual([
      expect.stringContaining('CALOS_VAPID_PRIVATE_KEY must be a P-256 private key'),
    ]);
    expect(vapid(keys.publicKey, keys.privateKey, 'http://calos.example')).toEqual([
      expect.stringContaining('CALOS_VAPID_SUBJECT must be a mailto: or https:'),
    ]);
    expect(vapid(keys.publicKey, other.privateKey, 'https://calos.example')).toEqual([
      'CALOS_VAPID_PRIVATE_KEY is not the private key of CALOS_VAPID_PUBLIC_KEY',
    ]);
  });
});
