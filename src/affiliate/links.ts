// "Buy at <retailer>" links on shopping-list items and costume materials. A link points at the
// app's own GET /go/:token; the token is signed (HMAC under a key derived from the master key)
// and names the retailer, the words searched, the app, the kind of item, the user and when it was
// made (refused once older than CALOS_AFFILIATE_LINK_MAX_AGE_DAYS; a new key ends every link). The
// redirect is built from the configured retailer's template alone, so no request can send anyone
// elsewhere; a retailer removed from the configuration makes its old links 404.
import { createHmac, hkdfSync } from 'node:crypto';
import type {
  AffiliateApp,
  AffiliateConfig,
  AffiliateKind,
  AffiliateRetailer,
} from '../platform/affiliate-config.ts';
import { AFFILIATE_APPS, AFFILIATE_KINDS } from '../platform/affiliate-config.ts';
import { safeEqual } from '../platform/crypto/tokens.ts';
import type { Database } from '../platform/db/database.ts';
import { isUuid } from '../platform/ids.ts';
import type { Logger } from '../platform/logger.ts';
import { AffiliateErrors } from './errors.ts';
import { insertClick } from './store.ts';

export type { AffiliateApp, AffiliateKind } from '../platform/affiliate-config.ts';

/** What every answer with links says once, beside them. */
export const AFFILIATE_DISCLOSURE =
  'Links to shops are affiliate links: CALOS may earn a commission when you buy through them, at no cost to you. You can turn them off in your account.';

/** Longest search sent to a retailer (an item's name is at most 200 characters). */
export const MAX_QUERY = 200;
export const MAX_TOKEN = 1200;
/** How long a person's "show links" preference is trusted before identity is asked again. */
const PREFERENCE_TTL_MS = 10_000;
const PREFERENCE_CACHE_SIZE = 5000;

export interface BuyLink {
  retailer: string;
  url: string;
}

/** Links for one person's answer: none when affiliate links are off for them or for the app. */
export interface Linker {
  /** Whether this app has retailers: answers then carry buy_links (maybe empty); else no such field. */
  enabled: boolean;
  linksFor(kind: AffiliateKind, query: string): BuyLink[];
  /** The disclosure line when any link can appear, else null. */
  disclosure: string | null;
}

export interface LinkClaims {
  retailer: string;
  query: string;
  app: AffiliateApp;
  kind: AffiliateKind;
  userId: string;
  /** When the link was made (whole seconds); null: a link made before links carried it. */
  issuedAt: Date | null;
}

export interface AffiliateOptions {
  app: AffiliateApp;
  config: AffiliateConfig;
  /**
   * The key links are signed with: CALOS_AFFILIATE_KEY, or one derived from the master key
   * (affiliateKey). Asked for only when a retailer is configured.
   */
  signingKey: () => Buffer;
  /** Where this app's GET /go/:token answers, e.g. /recipes/go/ (ends with /). */
  goBase: string;
  /** Whether the person shows affiliate links (identity's account preference). */
  showsLinks: (userId: string) => Promise<boolean>;
  db: Database;
  now: () => Date;
  logger: Logger;
}

const NO_LINKS: Linker = { enabled: false, linksFor: () => [], disclosure: null };
/** Links switched off by the person: the fields stay, empty. */
const SWITCHED_OFF: Linker = { enabled: true, linksFor: () => [], disclosure: null };

/** The key that signs links: derived from the master key, for nothing else. */
export const affiliateKey = (masterKey: Buffer) =>
  Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'calos affiliate links v1', 32));

/** A link made this far in the future is not ours (clocks of app processes may differ a little). */
const CLOCK_SKEW_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

/** 128 bits of HMAC-SHA256: enough against forgery, and shorter links. */
const mac = (key: Buffer, body: string) =>
  createHmac('sha256', key).update(body).digest().subarray(0, 16).toString('base64url');

export function signLink(key: Buffer, claims: LinkClaims & { issuedAt: Date }): string {
  const body = Buffer.from(
    JSON.stringify({
      r: claims.retailer,
      q: claims.query,
      a: claims.app,
      k: claims.kind,
      u: claims.userId,
      t: Math.floor(claims.issuedAt.getTime() / 1000),
    }),
  ).toString('base64url');
  return `${body}.${mac(key, body)}`;
}

/** The claims of a token this deployment signed, or undefined. */
export function readLink(key: Buffer, token: string): LinkClaims | undefined {
  if (token.length > MAX_TOKEN) return undefined;
  const [body, signature, ...rest] = token.split('.');
  if (!body || !signature || rest.length > 0 || !safeEqual(signature, mac(key, body))) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const p = parsed as Record<string, unknown>;
  if (
    typeof p.r !== 'string' ||
    typeof p.q !== 'string' ||
    typeof p.u !== 'string' ||
    !isUuid(p.u) ||
    !AFFILIATE_APPS.includes(p.a as AffiliateApp) ||
    !AFFILIATE_KINDS.includes(p.k as AffiliateKind) ||
    (p.t !== undefined && (!Number.isSafeInteger(p.t) || (p.t as number) < 0))
  )
    return undefined;
  return {
    retailer: p.r,
    query: p.q,
    app: p.a as AffiliateApp,
    kind: p.k as AffiliateKind,
    userId: p.u,
    issuedAt: p.t === undefined ? null : new Date((p.t as number) * 1000),
  };
}

/** The retailer's page for a search: its template with the query (and tag) encoded in. */
export function retailerUrl(retailer: AffiliateRetailer, query: string): string {
  const url = retailer.url
    .replaceAll('{query}', encodeURIComponent(query))
    .replaceAll('{tag}', encodeURIComponent(retailer.tag ?? ''));
  // The template's host was checked at start-up and encoded text cannot move it; check anyway.
  const template = new URL(retailer.url.replaceAll('{query}', 'q').replaceAll('{tag}', 't'));
  if (new URL(url).origin !== template.origin) throw AffiliateErrors.linkInvalid();
  return url;
}

const cleanQuery = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY);

export function createAffiliate(options: AffiliateOptions) {
  const { app, config } = options;
  const forApp = (kind: AffiliateKind) =>
    config.retailers.filter((r) => r.apps.includes(app) && r.kinds.includes(kind));
  const enabled = config.retailers.some((r) => r.apps.includes(app));
  let key: Buffer | undefined;
  const signingKey = () => {
    key ??= options.signingKey();
    return key;
  };

  const preferences = new Map<string, { shows: boolean; at: number }>();
  async function showsLinks(userId: string): Promise<boolean> {
    const now = performance.now();
    const cached = preferences.get(userId);
    if (cached && now - cached.at < PREFERENCE_TTL_MS) return cached.shows;
    let shows: boolean;
    try {
      shows = await options.showsLinks(userId);
    } catch (error) {
      // A shopping list is worth more than its links: without identity's answer, show none.
      options.logger.warn({ err: error }, 'affiliate links: the account preference is unavailable');
      return false;
    }
    if (preferences.size >= PREFERENCE_CACHE_SIZE) preferences.clear();
    preferences.set(userId, { shows, at: now });
    return shows;
  }

  return {
    /** Whether any retailer is configured for this app. */
    enabled,

    /** The links one person sees in one answer. */
    async forUser(userId: string): Promise<Linker> {
      if (!enabled) return NO_LINKS;
      if (!(await showsLinks(userId))) return SWITCHED_OFF;
      return {
        enabled: true,
        disclosure: AFFILIATE_DISCLOSURE,
        linksFor(kind, text) {
          const query = cleanQuery(text);
          if (!query) return [];
          return forApp(kind).map((retailer) => ({
            retailer: retailer.name,
            url: `${options.goBase}${signLink(signingKey(), {
              retailer: retailer.id,
              query,
              app,
              kind,
              userId,
              issuedAt: options.now(),
            })}`,
          }));
        },
      };
    },

    /**
     * A click: where to send the person, recorded once (a HEAD, as link checkers send, is answered
     * alike and not counted). 400 for a token not ours (or signed with a key since replaced) or
     * not this app's, 410 for one older than the configured age, 404 for a retailer gone.
     */
    async follow(token: string, click: { record: boolean }): Promise<string> {
      const claims = readLink(signingKey(), token);
      if (!claims) throw AffiliateErrors.linkInvalid();
      if (claims.app !== app) throw AffiliateErrors.linkInvalid();
      const now = options.now().getTime();
      if (claims.issuedAt && claims.issuedAt.getTime() > now + CLOCK_SKEW_MS)
        throw AffiliateErrors.linkInvalid();
      if (!claims.issuedAt || now - claims.issuedAt.getTime() > config.linkMaxAgeDays * DAY_MS)
        throw AffiliateErrors.linkExpired();
      const retailer = forApp(claims.kind).find((r) => r.id === claims.retailer);
      if (!retailer) throw AffiliateErrors.retailerNotFound();
      const target = retailerUrl(retailer, claims.query);
      if (click.record)
        await insertClick(options.db, {
          app,
          retailer: retailer.id,
          item_kind: claims.kind,
          user_id: claims.userId,
          clicked_at: options.now(),
        });
      return target;
    },
  };
}

export type Affiliate = ReturnType<typeof createAffiliate>;
