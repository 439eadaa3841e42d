// GET /go/:token on each app (e.g. /recipes/go/…): the one door of an affiliate link, and the
// schema pieces of the answers that carry links.
import { Type } from 'typebox';
import { ErrorResponse, Nullable } from '../platform/http/schemas.ts';
import type { App } from '../platform/http/service.ts';
import {
  AFFILIATE_DISCLOSURE,
  type Affiliate,
  type AffiliateKind,
  type BuyLink,
  type Linker,
  MAX_TOKEN,
} from './links.ts';

export const BuyLinks = Type.Array(
  Type.Object({
    retailer: Type.String({ description: 'Shown as "Buy at <retailer>"' }),
    url: Type.String({ description: "This app's /go/ link: it records the click and redirects to the shop" }),
  }),
  {
    description:
      'Affiliate links to shops that sell it (none when the operator configured no shop or you turned them off)',
  },
);

/** Sent back with an item (a GET answer turned into a PATCH): ignored, the server makes links. */
export const IgnoredBuyLinks = Type.Optional(
  Type.Array(Type.Unknown(), { maxItems: 50, description: 'Ignored: links are made by the server' }),
);

/** The fields an answer with links carries (optional: answers that never carry links leave them out). */
export const buyLinksField = { buy_links: Type.Optional(BuyLinks) };
export const affiliateDisclosureField = {
  affiliate_disclosure: Type.Optional(
    Nullable(
      Type.String({
        description: 'Shown wherever buy_links appear; null when this answer has none',
        examples: [AFFILIATE_DISCLOSURE],
      }),
    ),
  ),
};

const NO_LINKS: Linker = { enabled: false, linksFor: () => [], disclosure: null };

/** The links one person sees (none without affiliate links in this app). */
export const linkerFor = async (affiliate: Affiliate | undefined, userId: string): Promise<Linker> =>
  affiliate ? affiliate.forUser(userId) : NO_LINKS;

/** An item with its links (unchanged where this app has no retailers). */
export const withLinks = <T extends { name: string }>(
  linker: Linker,
  kind: AffiliateKind,
  item: T,
): T & { buy_links?: BuyLink[] } =>
  linker.enabled ? { ...item, buy_links: linker.linksFor(kind, item.name) } : item;

/** A list (or costume) whose `field` items get their links, and the disclosure when any has one. */
export function linkList<K extends string, T extends Record<K, readonly { name: string }[]>>(
  linker: Linker,
  kind: AffiliateKind,
  list: T,
  field: K,
) {
  if (!linker.enabled) return list as T & { affiliate_disclosure?: string | null };
  const items = list[field].map((item) => withLinks(linker, kind, item));
  return {
    ...list,
    [field]: items,
    affiliate_disclosure: items.some((i) => (i.buy_links ?? []).length > 0) ? linker.disclosure : null,
  };
}

export function registerAffiliateRoutes(app: App, affiliate: Affiliate): void {
  app.get(
    // A wildcard: tokens are longer than the router's limit on a :param (they carry the search).
    '/go/*',
    {
      // A token names an account and lets anyone holding it count a click: never in the logs.
      config: { secretParams: ['*'] },
      schema: {
        tags: ['Affiliate links'],
        summary: 'Follow a "Buy at …" link: records the click and redirects to the shop (302)',
        description:
          'The token is signed by this deployment and names the shop, the search, the app, the kind of item ' +
          'and the account, and when it was made: older than CALOS_AFFILIATE_LINK_MAX_AGE_DAYS it is 410 ' +
          'AFFILIATE_LINK_EXPIRED. The shop address comes from the operator’s configuration only. A HEAD is answered ' +
          'alike without counting a click.',
        params: Type.Object({
          '*': Type.String({ minLength: 1, maxLength: MAX_TOKEN, description: 'The signed token' }),
        }),
        response: { 400: ErrorResponse, 404: ErrorResponse, 410: ErrorResponse },
      },
    },
    async (request, reply) => {
      const target = await affiliate.follow(request.params['*'], { record: request.method === 'GET' });
      return reply
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .redirect(target, 302);
    },
  );
}
