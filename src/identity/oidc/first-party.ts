// CALOS's own web apps as OpenID Connect clients: public (PKCE), never asked for consent, and
// registered at identity's start from the deployment's settings, since where the pages answer
// (CALOS_ISSUER's host, CALOS_HOSTS, CALOS_ACCOUNT_URL) differs per deployment.
import type { Config } from '../../platform/config.ts';
import { createHostLookup, WEB_APPS, type WebPage } from '../../platform/http/static.ts';

/**
 * The pages that sign in as clients: the console and the apps. The operator console (/admin/) is
 * served by identity beside the account console and uses the console's own session.
 */
export type FirstPartyPage = Exclude<WebPage, 'admin'>;

export interface FirstPartyClient {
  clientId: string;
  page: FirstPartyPage;
  name: string;
  redirectUris: string[];
}

/** The client id of each page: `calos-<page>` (a name `calos clients add` never makes: it adds a suffix). */
export const firstPartyClientId = (page: FirstPartyPage) => `calos-${page}`;

const NAMES: Record<FirstPartyPage, string> = {
  account: 'CALOS account',
  hollowtown: 'Hollowtown',
  recipes: 'HowToCookAtHome',
  family: 'Family Planner',
};

/**
 * Where each page may receive its codes: its root on every host CALOS_HOSTS maps to its service
 * (the issuer's scheme and port), its prefix on the issuer's host when that host is shared (not
 * mapped) or, when it is mapped, on localhost (where a page without a host of its own is served,
 * src/platform/http/static.ts), and for the console CALOS_ACCOUNT_URL when set.
 */
export function firstPartyClients(
  config: Pick<Config, 'issuer' | 'hosts'> & { mail: Pick<Config['mail'], 'accountUrl'> },
): FirstPartyClient[] {
  const issuer = new URL(config.issuer);
  const port = issuer.port ? `:${issuer.port}` : '';
  const lookup = createHostLookup(config.hosts);
  const isSharedHost = lookup.serviceOf(issuer.hostname) === undefined;
  const exactHostsOf = (service: string) =>
    [...config.hosts].filter(([host, s]) => s === service && !host.startsWith('*.')).map(([host]) => host);
  const pages: Array<{ page: FirstPartyPage; service: string; prefix: string; path: string; own?: string }> =
    [
      {
        page: 'account',
        service: 'identity',
        prefix: '/account',
        path: '/account/',
        own: config.mail.accountUrl,
      },
      ...Object.entries(WEB_APPS).map(([page, { service, prefix }]) => ({
        page: page as FirstPartyPage,
        service,
        prefix,
        path: '/',
      })),
    ];
  return pages.map(({ page, service, prefix, path, own }) => {
    const uris = new Set<string>();
    for (const host of exactHostsOf(service)) uris.add(`${issuer.protocol}//${host}${port}${path}`);
    if (isSharedHost) uris.add(`${issuer.origin}${prefix}/`);
    else if (exactHostsOf(service).length === 0) uris.add(`${issuer.protocol}//localhost${port}${prefix}/`);
    if (own) uris.add(own.endsWith('/') ? own : `${own}/`);
    return { clientId: firstPartyClientId(page), page, name: NAMES[page], redirectUris: [...uris] };
  });
}
