// Reads process.env once at start-up into a typed, frozen Config. Every bad variable is
// collected and reported in one ConfigError that names the variable and what is wrong.
import { createECDH, createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { type AffiliateConfig, parseAffiliateConfig } from './affiliate-config.ts';
import { type AiConfig, parseAiConfig } from './ai-config.ts';
import {
  DATABASE_NAMES,
  DATABASE_URL_VARIABLE,
  type DatabaseName,
  DEFAULT_POSTGRES_DATABASE,
} from './databases.ts';
import { ConfigError } from './errors.ts';
import { DEFAULT_FETCH_LIMITS } from './safe-fetch.ts';

/**
 * CALOS_MARKET_PENDING_GRACE_SECONDS: at least twice a call to identity's 30 s timeout, at most an
 * hour (the longest wait between the sweep's attempts); the default is the grace period the
 * marketplace always had.
 */
export const MARKET_PENDING_GRACE = { minSeconds: 60, maxSeconds: 3600, defaultSeconds: 120 } as const;

export const SERVICE_NAMES = ['identity', 'hollowtown', 'recipes', 'family', 'ai'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export type DatabaseTarget =
  | {
      engine: 'pglite';
      dir: string;
      /** Where PGlite runs (`CALOS_PGLITE_THREAD`); unset means the opening thread. */
      thread?: 'worker' | 'main';
    }
  | {
      engine: 'postgres';
      /** Connection URL of the database itself. */
      url: string;
      /** Its name on the server. */
      database: string;
      /** URL of a database on the same server from which it can be created when missing. */
      maintenanceUrl: string;
    };

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  dataDir: string;
  databases: Record<DatabaseName, DatabaseTarget>;
  redisUrl: string | undefined;
  /**
   * Starts every key this deployment writes to Redis (rate limits, lock-outs), so that two
   * deployments sharing one Redis never share a counter. Default: derived from where the identity
   * database lives.
   */
  redisPrefix: string;
  /**
   * Which proxies in front of this server to believe about the client's address
   * (X-Forwarded-For): Fastify's trustProxy. false: none, the socket's address is the client's.
   */
  trustProxy: boolean | number | string[];
  /** 32-byte key for BYOK encryption; undefined means "use the key file in the data dir". */
  masterKey: Buffer | undefined;
  /** Host name (lower case, no port) to the service it serves without a prefix. */
  hosts: ReadonlyMap<string, ServiceName>;
  /** Where identity answers when it is not served by this process (`calos serve hollowtown`). */
  identityUrl: string | undefined;
  /**
   * The OpenID Connect issuer (`CALOS_ISSUER`): identity's public URL, e.g.
   * https://id.calos.com/calos. Every service accepts access tokens it issued for `<issuer>/api`.
   */
  issuer: string;
  /** Where the AI gateway answers when it is not served by this process. */
  aiUrl: string | undefined;
  /** NATS with JetStream: outbox events travel between processes through it (optional). */
  natsUrl: string | undefined;
  /** Names this deployment's stream and subjects, so deployments sharing a NATS stay apart. */
  natsPrefix: string;
  /** Where each app answers when it is not served by this process (`CALOS_<APP>_URL`). */
  appUrls: Readonly<Partial<Record<'hollowtown' | 'recipes' | 'family', string>>>;
  /** Shared secret between CALOS processes (identity's internal API). */
  serviceToken: string | undefined;
  /** Signs the payment provider's webhooks (Stripe's `whsec_…`); unset means the dev provider only. */
  paymentsWebhookSecret: string | undefined;
  /** The built web pages (`CALOS_WEB_DIST`); undefined means web/dist of this checkout. */
  webDist: string | undefined;
  mail: MailConfig;
  ai: AiConfig;
  /** Fetching web pages to import recipes from (HowToCookAtHome). */
  recipeImport: RecipeImportConfig;
  /** Web Push of Family Planner's notifications; undefined (no VAPID keys set): push is off. */
  webPush: WebPushConfig | undefined;
  /** When HowToCookAtHome shows the Halloween banner (`CALOS_HALLOWEEN_SEASON`, month-day, UTC). */
  halloweenSeason: SeasonConfig;
  /** Whether `calos start` loads the starter pack (content/starter) under a system account. */
  starterPack: boolean;
  /** Votes, rewards and moderation of published items (the apps and identity's karma). */
  community: CommunityConfig;
  /**
   * The platform's part of every marketplace sale, in percent of the price (`CALOS_MARKET_FEE_PERCENT`,
   * 0 to 100, default 10), taken from what the seller receives; read by identity.
   */
  marketFeePercent: number;
  /**
   * How long a marketplace purchase may stay pending before the sweep finishes it and the console
   * counts it stuck (`CALOS_MARKET_PENDING_GRACE_SECONDS`, 60 to 3600, default 120): longer than a
   * live request's call to identity (30 s), so the sweep never races one still paying.
   */
  marketPendingGraceMs: number;
  /** "Buy at …" links on shopping-list items and costume materials (CALOS_AFFILIATE_RETAILERS). */
  affiliate: AffiliateConfig;
}

/** The rules operators set for rewards and moderation (CALOS_REWARD_*, CALOS_MODERATION_*). */
export interface CommunityConfig {
  /** Counted upvotes per milestone: an item's author earns credits at each multiple. */
  votesPerMilestone: number;
  /** Credits an author earns per milestone. */
  rewardCredits: number;
  /** The most milestones one item pays for. */
  maxMilestones: number;
  /** Distinct reports that hide an item pending review. */
  reportsToHide: number;
}

/** A yearly window of days, inclusive; `from` after `to` wraps over the new year. */
export interface SeasonConfig {
  /** MM-DD */
  from: string;
  /** MM-DD */
  to: string;
}

/** VAPID (RFC 8292): the application server's key pair and a contact for push services. */
export interface WebPushConfig {
  /** The uncompressed P-256 public key, base64url (65 bytes): browsers subscribe with it. */
  publicKey: string;
  /** The private key, base64url (32 bytes). */
  privateKey: string;
  /** mailto: or https: contact sent to push services in the VAPID token. */
  subject: string;
}

/** Limits of a recipe import's fetch; see src/platform/safe-fetch.ts. */
export interface RecipeImportConfig {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** host:port pairs that may be private addresses (an intranet recipe site); none by default. */
  allowedHosts: ReadonlySet<string>;
}

/** Outbound email (identity sends it from its outbox). */
export interface MailConfig {
  /** `smtp://` or `smtps://` URL of the relay; undefined: written to the data dir (not in production). */
  smtpUrl: string | undefined;
  /** The From header, e.g. `CALOS <no-reply@calos.com>`. */
  from: string;
  /**
   * The account console as people reach it (ends with /), for links in mails and as the passkeys'
   * origin; undefined outside production: the host the request came to.
   */
  accountUrl: string | undefined;
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const HOST_NAME =
  /^(?=.{1,253}$)(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Loads `.env` from the working directory if present; real environment variables win. */
export function readEnvFile(file = path.resolve('.env')): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };

  const nodeEnvRaw = text('NODE_ENV') ?? 'development';
  const nodeEnv = (['development', 'production', 'test'] as const).find((v) => v === nodeEnvRaw);
  if (!nodeEnv) problems.push(`NODE_ENV must be development, production or test (got "${nodeEnvRaw}")`);

  const port = parsePort(text('PORT') ?? '3000');
  if (port === undefined)
    problems.push(`PORT must be a whole number from 0 to 65535 (got "${text('PORT')}")`);

  const host = text('HOST') ?? '127.0.0.1';

  const logLevelRaw = text('LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info');
  const logLevel = LOG_LEVELS.find((l) => l === logLevelRaw);
  if (!logLevel) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevelRaw}")`);

  const dataDir = path.resolve(cwd, text('CALOS_DATA_DIR') ?? '.calos');
  const pgliteThreadRaw = text('CALOS_PGLITE_THREAD') ?? 'main';
  const pgliteThread = (['worker', 'main'] as const).find((v) => v === pgliteThreadRaw);
  if (!pgliteThread)
    problems.push(`CALOS_PGLITE_THREAD must be worker or main (got "${pgliteThreadRaw.slice(0, 40)}")`);

  const serverUrl = text('CALOS_POSTGRES_URL');
  let server: URL | undefined;
  if (serverUrl) {
    server = parsePostgresUrl(serverUrl);
    if (!server)
      problems.push(
        `CALOS_POSTGRES_URL must be a postgres:// or postgresql:// URL (got ${redact(serverUrl)})`,
      );
  }

  const databases = {} as Record<DatabaseName, DatabaseTarget>;
  for (const name of DATABASE_NAMES) {
    const variable = DATABASE_URL_VARIABLE[name];
    const own = text(variable);
    if (own) {
      const url = parsePostgresUrl(own);
      const database = url ? decodeURIComponent(url.pathname.slice(1)) : '';
      if (!url) problems.push(`${variable} must be a postgres:// or postgresql:// URL (got ${redact(own)})`);
      else if (!database || database.includes('/'))
        problems.push(
          `${variable} must name a database in its path, e.g. postgres://host:5432/${DEFAULT_POSTGRES_DATABASE[name]}`,
        );
      else
        databases[name] = {
          engine: 'postgres',
          url: url.toString(),
          database,
          maintenanceUrl: withDatabase(url, 'postgres'),
        };
    } else if (server) {
      const database = DEFAULT_POSTGRES_DATABASE[name];
      const maintenance = decodeURIComponent(server.pathname.slice(1)) || 'postgres';
      databases[name] = {
        engine: 'postgres',
        url: withDatabase(server, database),
        database,
        maintenanceUrl: withDatabase(server, maintenance),
      };
    } else {
      databases[name] = { engine: 'pglite', dir: path.join(dataDir, name), thread: pgliteThread };
    }
  }

  const redisUrl = text('REDIS_URL');
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl))
    problems.push(`REDIS_URL must be a redis:// or rediss:// URL (got ${redact(redisUrl)})`);

  const redisPrefixRaw = text('CALOS_REDIS_PREFIX');
  if (redisPrefixRaw !== undefined && !/^[A-Za-z0-9][A-Za-z0-9:_.-]{0,63}$/.test(redisPrefixRaw))
    problems.push(
      `CALOS_REDIS_PREFIX must be 1 to 64 letters, digits or : _ . - (got "${redisPrefixRaw.slice(0, 80)}")`,
    );
  const redisPrefix = redisPrefixRaw ?? defaultRedisPrefix(databases.identity);

  const trustProxy = parseTrustProxy(text('CALOS_TRUST_PROXY'), problems);

  let masterKey: Buffer | undefined;
  const masterKeyRaw = text('CALOS_MASTER_KEY');
  if (masterKeyRaw) {
    masterKey = parseKey(masterKeyRaw);
    if (!masterKey) problems.push('CALOS_MASTER_KEY must be 32 bytes, as 64 hex characters or base64');
  } else if (nodeEnv === 'production' && databases.identity.engine === 'postgres') {
    // It seals identity's secrets (BYOK keys, signing keys): only a process with identity's database needs it.
    problems.push('CALOS_MASTER_KEY is required in production (generate one with: openssl rand -hex 32)');
  }

  const hosts = new Map<string, ServiceName>();
  const hostsRaw = text('CALOS_HOSTS');
  if (hostsRaw) {
    for (const entry of hostsRaw
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)) {
      const [rawHost, rawService, ...rest] = entry.split('=').map((p) => p.trim());
      const hostName = rawHost?.toLowerCase() ?? '';
      const service = SERVICE_NAMES.find((s) => s === rawService);
      if (rest.length > 0 || !rawService) {
        problems.push(`CALOS_HOSTS entries must look like host=service (got "${entry}")`);
      } else if (!HOST_NAME.test(hostName)) {
        problems.push(`CALOS_HOSTS has an invalid host name "${rawHost}"`);
      } else if (!service) {
        problems.push(
          `CALOS_HOSTS maps "${hostName}" to unknown service "${rawService}" (use ${SERVICE_NAMES.join(', ')})`,
        );
      } else {
        hosts.set(hostName, service);
      }
    }
  }

  const identityUrl = text('CALOS_IDENTITY_URL')?.replace(/\/+$/, '');
  if (identityUrl && !/^https?:\/\/[^\s/]+/.test(identityUrl))
    problems.push(`CALOS_IDENTITY_URL must be an http:// or https:// URL (got ${redact(identityUrl)})`);

  const aiUrl = text('CALOS_AI_URL')?.replace(/\/+$/, '') ?? identityUrl;
  if (aiUrl && !/^https?:\/\/[^\s/]+/.test(aiUrl))
    problems.push(`CALOS_AI_URL must be an http:// or https:// URL (got ${redact(aiUrl)})`);

  // Where the apps answer when this process does not serve them (their clients go over HTTP).
  // Each defaults to CALOS_IDENTITY_URL: one proxy in front of every service routes by prefix.
  const appUrls: Partial<Record<'hollowtown' | 'recipes' | 'family', string>> = {};
  for (const service of ['hollowtown', 'recipes', 'family'] as const) {
    const variable = `CALOS_${service.toUpperCase()}_URL`;
    const url = text(variable)?.replace(/\/+$/, '') ?? identityUrl;
    if (url && !/^https?:\/\/[^\s/]+/.test(url))
      problems.push(`${variable} must be an http:// or https:// URL (got ${redact(url)})`);
    else if (url) appUrls[service] = url;
  }

  const natsUrl = text('CALOS_NATS_URL');
  if (natsUrl && !/^(nats|tls|wss?):\/\/[^\s/]+/.test(natsUrl))
    problems.push(`CALOS_NATS_URL must be a nats:// (or tls://, ws://, wss://) URL (got ${redact(natsUrl)})`);
  const natsPrefix = text('CALOS_NATS_PREFIX') ?? 'calos';
  if (!/^[a-z][a-z0-9_-]{0,40}$/.test(natsPrefix))
    problems.push(`CALOS_NATS_PREFIX must be lower-case letters, digits, _ or - (got "${natsPrefix}")`);

  const serviceToken = text('CALOS_SERVICE_TOKEN');
  if (serviceToken !== undefined && serviceToken.length < 32)
    problems.push(
      'CALOS_SERVICE_TOKEN must be at least 32 characters (generate one with: openssl rand -hex 32)',
    );

  const paymentsWebhookSecret = text('CALOS_PAYMENTS_WEBHOOK_SECRET');
  if (paymentsWebhookSecret !== undefined && paymentsWebhookSecret.length < 16)
    problems.push(
      'CALOS_PAYMENTS_WEBHOOK_SECRET must be at least 16 characters (the provider gives it, e.g. whsec_…)',
    );

  const webDistRaw = text('CALOS_WEB_DIST');
  const webDist = webDistRaw === undefined ? undefined : path.resolve(webDistRaw);
  if (webDist !== undefined && !existsSync(webDist))
    problems.push(`CALOS_WEB_DIST names a folder that does not exist: ${webDist}`);

  const ai = parseAiConfig(text, problems);
  const mail = parseMailConfig(text, nodeEnv, problems);
  const recipeImport = parseRecipeImportConfig(text, problems);
  const webPush = parseWebPushConfig(text, problems);
  const halloweenSeason = parseSeason(
    'CALOS_HALLOWEEN_SEASON',
    text('CALOS_HALLOWEEN_SEASON') ?? '09-15..11-02',
    problems,
  );
  const starterPackRaw = (text('CALOS_STARTER_PACK') ?? 'on').toLowerCase();
  const starterPack = ['on', 'true', '1', 'yes'].includes(starterPackRaw);
  if (!starterPack && !['off', 'false', '0', 'no'].includes(starterPackRaw))
    problems.push(`CALOS_STARTER_PACK must be on or off (got "${starterPackRaw}")`);
  const community = parseCommunityConfig(text, problems);
  const marketFeeRaw = text('CALOS_MARKET_FEE_PERCENT');
  let marketFeePercent = 10;
  if (marketFeeRaw !== undefined) {
    if (/^\d{1,3}$/.test(marketFeeRaw) && Number(marketFeeRaw) <= 100)
      marketFeePercent = Number(marketFeeRaw);
    else
      problems.push(
        `CALOS_MARKET_FEE_PERCENT must be a whole number from 0 to 100 (got "${marketFeeRaw.slice(0, 40)}")`,
      );
  }
  const graceRaw = text('CALOS_MARKET_PENDING_GRACE_SECONDS');
  let marketPendingGraceMs = MARKET_PENDING_GRACE.defaultSeconds * 1000;
  if (graceRaw !== undefined) {
    const seconds = /^[1-9]\d{0,4}$/.test(graceRaw) ? Number(graceRaw) : Number.NaN;
    if (seconds >= MARKET_PENDING_GRACE.minSeconds && seconds <= MARKET_PENDING_GRACE.maxSeconds)
      marketPendingGraceMs = seconds * 1000;
    else
      problems.push(
        `CALOS_MARKET_PENDING_GRACE_SECONDS must be a whole number of seconds from ${MARKET_PENDING_GRACE.minSeconds} to ${MARKET_PENDING_GRACE.maxSeconds} (got "${graceRaw.slice(0, 40)}")`,
      );
  }
  const affiliate = parseAffiliateConfig(text, cwd, problems);
  // Every process of an app must sign links alike, which a key file made per data dir cannot
  // promise in production: CALOS_AFFILIATE_KEY, or one derived from CALOS_MASTER_KEY.
  if (nodeEnv === 'production' && affiliate.retailers.length > 0 && !masterKeyRaw && !affiliate.signingKeyHex)
    problems.push(
      'CALOS_AFFILIATE_RETAILERS needs CALOS_AFFILIATE_KEY (or CALOS_MASTER_KEY) in production: it signs the links',
    );

  const issuerRaw = text('CALOS_ISSUER')?.replace(/\/+$/, '');
  // In development identity answers where `npm start` listens: on localhost at PORT (3000 unless
  // set), so the web apps' sign-in (redirect URIs follow the issuer) works on any port.
  const issuer = issuerRaw ?? `http://localhost:${port ? port : 3000}/calos`;
  {
    let url: URL | undefined;
    try {
      url = new URL(issuer);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash)
      problems.push(
        `CALOS_ISSUER must be identity's public http(s) URL without query or fragment, e.g. https://id.calos.com/calos (got ${redact(issuer)})`,
      );
    // Apps and every CALOS process check tokens against it: a guessed default would sign tokens no
    // one outside accepts (and discovery would name localhost).
    else if (nodeEnv === 'production' && issuerRaw === undefined)
      problems.push(
        "CALOS_ISSUER is required in production: identity's public URL, e.g. https://api.calos.com or https://calos.example.com/calos",
      );
    else if (nodeEnv === 'production' && url.protocol !== 'https:')
      problems.push(`CALOS_ISSUER must be an https:// URL in production (got ${redact(issuer)})`);
  }

  if (problems.length > 0 || !nodeEnv || port === undefined || !logLevel) throw new ConfigError(problems);

  return Object.freeze({
    nodeEnv,
    port,
    host,
    logLevel,
    dataDir,
    databases: Object.freeze(databases),
    redisUrl,
    redisPrefix,
    trustProxy: Array.isArray(trustProxy) ? (Object.freeze(trustProxy) as string[]) : trustProxy,
    masterKey,
    hosts,
    identityUrl,
    issuer,
    aiUrl,
    appUrls: Object.freeze(appUrls),
    natsUrl,
    natsPrefix,
    serviceToken,
    paymentsWebhookSecret,
    webDist,
    mail: Object.freeze(mail),
    ai,
    recipeImport: Object.freeze(recipeImport),
    webPush: webPush && Object.freeze(webPush),
    halloweenSeason: Object.freeze(halloweenSeason),
    starterPack,
    community: Object.freeze(community),
    marketFeePercent,
    marketPendingGraceMs,
    affiliate: Object.freeze(affiliate),
  });
}

/** MM-DD..MM-DD, both real days of a year (02-29 counts: leap years have it). */
function parseSeason(name: string, value: string, problems: string[]): SeasonConfig {
  const match = /^(\d\d-\d\d)\.\.(\d\d-\d\d)$/.exec(value);
  const isDay = (day: string) => {
    const [month, date] = day.split('-').map(Number) as [number, number];
    return month >= 1 && month <= 12 && date >= 1 && date <= new Date(Date.UTC(2024, month, 0)).getUTCDate();
  };
  if (!match || !isDay(match[1] as string) || !isDay(match[2] as string)) {
    problems.push(`${name} must be two month-days, MM-DD..MM-DD, e.g. 09-15..11-02 (got "${value}")`);
    return { from: '09-15', to: '11-02' };
  }
  return { from: match[1] as string, to: match[2] as string };
}

function parseCommunityConfig(
  text: (name: string) => string | undefined,
  problems: string[],
): CommunityConfig {
  const whole = (name: string, fallback: number, min: number, max: number) => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw.slice(0, 40)}")`);
      return fallback;
    }
    return value;
  };
  return {
    votesPerMilestone: whole('CALOS_REWARD_VOTES_PER_MILESTONE', 10, 1, 1_000_000),
    rewardCredits: whole('CALOS_REWARD_CREDITS', 50, 0, 1_000_000),
    maxMilestones: whole('CALOS_REWARD_MAX_MILESTONES', 5, 0, 1000),
    reportsToHide: whole('CALOS_MODERATION_REPORTS_TO_HIDE', 3, 1, 1000),
  };
}

/** CALOS_VAPID_*: all three or none; the keys as `npx web-push generate-vapid-keys` prints them. */
function parseWebPushConfig(
  text: (name: string) => string | undefined,
  problems: string[],
): WebPushConfig | undefined {
  const publicKey = text('CALOS_VAPID_PUBLIC_KEY');
  const privateKey = text('CALOS_VAPID_PRIVATE_KEY');
  const subject = text('CALOS_VAPID_SUBJECT');
  if (publicKey === undefined && privateKey === undefined && subject === undefined) return undefined;
  const before = problems.length;
  if (publicKey === undefined || privateKey === undefined || subject === undefined) {
    problems.push(
      'CALOS_VAPID_PUBLIC_KEY, CALOS_VAPID_PRIVATE_KEY and CALOS_VAPID_SUBJECT go together: set all three for Web Push, or none',
    );
    return undefined;
  }
  const bytes = (value: string) =>
    /^[A-Za-z0-9_-]+={0,2}$/.test(value) ? Buffer.from(value, 'base64url') : Buffer.alloc(0);
  const pub = bytes(publicKey);
  if (pub.length !== 65 || pub[0] !== 0x04)
    problems.push(
      'CALOS_VAPID_PUBLIC_KEY must be an uncompressed P-256 public key in base64url (87 characters, as `npx web-push generate-vapid-keys` prints it)',
    );
  if (bytes(privateKey).length !== 32)
    problems.push(
      'CALOS_VAPID_PRIVATE_KEY must be a P-256 private key in base64url (43 characters, as `npx web-push generate-vapid-keys` prints it)',
    );
  let url: URL | undefined;
  try {
    url = new URL(subject);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'mailto:' && url.protocol !== 'https:'))
    problems.push(
      `CALOS_VAPID_SUBJECT must be a mailto: or https: address where push services can reach you, e.g. mailto:ops@calos.com (got "${subject.slice(0, 120)}")`,
    );
  if (problems.length > before) return undefined;
  let derived: Buffer | undefined;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(bytes(privateKey));
    derived = ecdh.getPublicKey();
  } catch {
    derived = undefined;
  }
  if (!derived?.equals(pub)) {
    problems.push('CALOS_VAPID_PRIVATE_KEY is not the private key of CALOS_VAPID_PUBLIC_KEY');
    return undefined;
  }
  return { publicKey: publicKey.replace(/=+$/, ''), privateKey: privateKey.replace(/=+$/, ''), subject };
}

/**
 * One prefix per deployment: a deployment is its identity database (every process of it uses the
 * same one), named without credentials so that rotating a password keeps the counters.
 */
function defaultRedisPrefix(identity: DatabaseTarget | undefined): string {
  let where = 'default';
  if (identity?.engine === 'pglite') where = `pglite:${identity.dir}`;
  else if (identity?.engine === 'postgres') {
    const url = new URL(identity.url);
    where = `postgres:${url.hostname}:${url.port || '5432'}/${identity.database}`;
  }
  return `calos:${createHash('sha256').update(where).digest('hex').slice(0, 12)}`;
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** CALOS_TRUST_PROXY: true, false, a number of hops, or addresses, CIDR ranges and proxy-addr's names. */
function parseTrustProxy(value: string | undefined, problems: string[]): boolean | number | string[] {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const wrong = entries.filter((entry) => !isTrustedProxyEntry(entry));
  if (entries.length === 0 || wrong.length > 0) {
    problems.push(
      `CALOS_TRUST_PROXY must be true, false, a number of proxy hops (0-99), or a comma list of addresses and CIDR ranges (e.g. 10.0.0.0/8,127.0.0.1) or ${PROXY_NAMES.join(', ')} (wrong: ${wrong.map((w) => `"${w.slice(0, 60)}"`).join(', ') || 'empty'})`,
    );
    return false;
  }
  return entries;
}

function isTrustedProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.includes(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (version === 4 ? 32 : 128);
}

/** A display name and an address (`Name <a@b.c>`) or a bare address. */
const MAIL_FROM = /^(?:[^<>\r\n]{1,100} <[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)$/;

function parseMailConfig(
  text: (name: string) => string | undefined,
  nodeEnv: Config['nodeEnv'] | undefined,
  problems: string[],
): MailConfig {
  const smtpUrl = text('CALOS_SMTP_URL');
  if (smtpUrl !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(smtpUrl).protocol;
    } catch {
      // Reported below.
    }
    if (protocol !== 'smtp:' && protocol !== 'smtps:')
      problems.push(
        `CALOS_SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtps://user:pass@smtp.example.com:465 (got ${redact(smtpUrl)})`,
      );
  }
  const from = text('CALOS_MAIL_FROM') ?? 'CALOS <no-reply@calos.localhost>';
  if (!MAIL_FROM.test(from))
    problems.push(
      `CALOS_MAIL_FROM must be an address or "Name <address>", e.g. CALOS <no-reply@calos.com> (got "${from.slice(0, 120)}")`,
    );
  else if (nodeEnv === 'production' && smtpUrl && text('CALOS_MAIL_FROM') === undefined)
    problems.push(
      'CALOS_MAIL_FROM is required in production with CALOS_SMTP_URL (e.g. CALOS <no-reply@calos.com>)',
    );

  let accountUrl = text('CALOS_ACCOUNT_URL');
  if (accountUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(accountUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash)
      problems.push(
        `CALOS_ACCOUNT_URL must be the account console's http(s) address, e.g. https://account.calos.com/account/ (got ${redact(accountUrl)})`,
      );
    else accountUrl = url.toString().replace(/\/*$/, '/');
  } else if (nodeEnv === 'production' && smtpUrl) {
    // Links in mails must not come from a request's Host header, which a caller chooses.
    problems.push(
      'CALOS_ACCOUNT_URL is required in production with CALOS_SMTP_URL (the account console, e.g. https://account.calos.com/account/)',
    );
  }
  return { smtpUrl, from, accountUrl };
}

function parseRecipeImportConfig(
  text: (name: string) => string | undefined,
  problems: string[],
): RecipeImportConfig {
  const whole = (name: string, fallback: number, min: number, max: number) => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const allowedHosts = new Set<string>();
  for (const entry of (text('RECIPE_IMPORT_ALLOWED_HOSTS') ?? '').split(',')) {
    const host = entry.trim().toLowerCase();
    if (!host) continue;
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):\d{1,5}$/.test(host))
      problems.push(
        `RECIPE_IMPORT_ALLOWED_HOSTS lists host:port pairs, e.g. recipes.intranet:443 (got "${host}")`,
      );
    else allowedHosts.add(host);
  }
  return {
    timeoutMs: whole('RECIPE_IMPORT_TIMEOUT_MS', DEFAULT_FETCH_LIMITS.timeoutMs, 100, 120_000),
    maxBytes: whole('RECIPE_IMPORT_MAX_BYTES', DEFAULT_FETCH_LIMITS.maxBytes, 1024, 50 * 1024 * 1024),
    maxRedirects: whole('RECIPE_IMPORT_MAX_REDIRECTS', DEFAULT_FETCH_LIMITS.maxRedirects, 0, 20),
    allowedHosts,
  };
}

function parsePort(value: string): number | undefined {
  if (!/^\d{1,5}$/.test(value)) return undefined;
  const port = Number(value);
  return port <= 65535 ? port : undefined;
}

function parsePostgresUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function withDatabase(server: URL, database: string): string {
  const url = new URL(server.toString());
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

function parseKey(value: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
    return key.length === 32 ? key : undefined;
  }
  return undefined;
}

/** A URL fit for an error message: the password never appears. */
export function redact(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return `"${url.toString()}"`;
  } catch {
    return '(a value that is not a URL)';
  }
}
