// Serves the built web pages (web/dist): the account console at /account/, the operator console
// at /admin/ (both with identity), and each app's page
// at its prefix (/hollowtown/…), or at / on the app's own host (CALOS_HOSTS). The service's API
// routes keep winning: pages answer only paths no route claims.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config, ServiceName } from '../config.ts';
import type { App } from './service.ts';

export type WebPage = 'account' | 'admin' | 'hollowtown' | 'recipes' | 'family';
export type WebApp = Exclude<WebPage, 'account' | 'admin'>;
/** The pages identity serves (its API is theirs). */
const IDENTITY_PAGES = ['account', 'admin'] as const;

/** The pages and the service each belongs to; an app's page sits at its service's prefix. */
export const WEB_APPS: Readonly<Record<WebApp, { service: ServiceName; prefix: string }>> = {
  hollowtown: { service: 'hollowtown', prefix: '/hollowtown' },
  recipes: { service: 'recipes', prefix: '/recipes' },
  family: { service: 'family', prefix: '/family' },
};
const IDENTITY_PREFIX = '/calos';
const AI_PREFIX = '/ai';
/** Host for pages whose service has no host of its own when the browser is on a mapped host. */
const FALLBACK_HOST = 'localhost';

export const DEFAULT_WEB_DIST = path.resolve(import.meta.dirname, '../../../web/dist');

/** What a page needs to know about where it and its APIs answer for this request. */
export interface PageConfig {
  app: WebPage;
  /** Where this page's views live as the browser sees it ('' on the app's own host). */
  base: string;
  /** This page's API root ('' on its own host, the prefix otherwise, or another origin). */
  api: string;
  /** Identity's API root. */
  identity: string;
  /** The account console (ends with /). */
  account: string;
  /** The AI gateway's root: the person's model preference and the models there are. */
  ai: string;
  /** Each app's page (ends with /). */
  apps: Record<WebApp, string>;
}

/** Resolves host names through CALOS_HOSTS the way the URL rewriter does. */
export function createHostLookup(hosts: ReadonlyMap<string, ServiceName>) {
  const wildcards = [...hosts]
    .filter(([host]) => host.startsWith('*.'))
    .map(([host, service]) => [host.slice(1), service] as const);
  const serviceOf = (host: string): ServiceName | undefined =>
    hosts.get(host) ?? wildcards.find(([suffix]) => host.endsWith(suffix))?.[1];
  /** The first exact host name mapped to a service (a wildcard names no single host). */
  const hostOf = (service: ServiceName): string | undefined =>
    [...hosts].find(([host, s]) => s === service && !host.startsWith('*.'))?.[0];
  return { serviceOf, hostOf };
}

export function splitHost(hostHeader: string | undefined): { name: string; port: string } {
  const raw = (hostHeader ?? 'localhost').toLowerCase();
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(raw);
  return { name: match?.[1] ?? raw, port: match?.[2] ? `:${match[2]}` : '' };
}

export function pageConfigFor(
  page: WebPage,
  hosts: ReadonlyMap<string, ServiceName>,
  hostHeader: string | undefined,
  protocol: string,
): PageConfig {
  const lookup = createHostLookup(hosts);
  const { name, port } = splitHost(hostHeader);
  const here = lookup.serviceOf(name);
  // Where a service's paths start, as seen from this page: same origin without a prefix on its
  // own host, same origin with the prefix on an unmapped host, otherwise another origin.
  const rootOf = (service: ServiceName, prefix: string): string => {
    if (here === undefined) return prefix;
    if (here === service) return '';
    const host = lookup.hostOf(service);
    return host ? `${protocol}://${host}${port}` : `${protocol}://${FALLBACK_HOST}${port}${prefix}`;
  };
  const identity = rootOf('identity', IDENTITY_PREFIX);
  const ai = rootOf('ai', AI_PREFIX);
  // The account console is /account/ on an unmapped host and on identity's own host alike.
  const account = `${identity.endsWith(IDENTITY_PREFIX) ? identity.slice(0, -IDENTITY_PREFIX.length) : identity}/account/`;
  const apps = Object.fromEntries(
    Object.entries(WEB_APPS).map(([app, { service, prefix }]) => [app, `${rootOf(service, prefix)}/`]),
  ) as Record<WebApp, string>;
  if (page === 'account' || page === 'admin')
    return { app: page, base: `/${page}`, api: identity, identity, account, ai, apps };
  const { service, prefix } = WEB_APPS[page];
  const api = rootOf(service, prefix);
  return { app: page, base: api, api, identity, account, ai, apps };
}

/**
 * The Content-Security-Policy of a page: its scripts and styles only from its own origin (the
 * config is JSON, never run), API calls only to itself and the CALOS origins its config names, no
 * framing. It keeps a script injected into a page from running or sending the session anywhere.
 */
export function contentSecurityPolicy(config: PageConfig): string {
  const origins = new Set<string>();
  for (const root of [
    config.api,
    config.identity,
    config.account,
    ...Object.values(config.apps),
    config.ai,
  ]) {
    if (/^https?:\/\//.test(root)) origins.add(new URL(root).origin);
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...origins].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Origins (scheme://host[:port]) whose host CALOS_HOSTS maps to a service with a web page. */
export function isWebOrigin(hosts: ReadonlyMap<string, ServiceName>, origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const service = createHostLookup(hosts).serviceOf(url.hostname);
  return service === 'identity' || Object.values(WEB_APPS).some((a) => a.service === service);
}

const RESERVED_VIEWS = new Set(['api', 'docs', 'assets']);
const VIEW = /^[a-z][a-z0-9-]{0,40}$/;
const CONFIG_SLOT = '<script id="calos-config" type="application/json">{}</script>';

export interface WebPagesOptions {
  config: Config;
  /** The services this process serves: a page is served with its service. */
  services: readonly ServiceName[];
  /** The built pages (default: web/dist). */
  distDir?: string;
}

export async function registerWebPages(app: App, options: WebPagesOptions): Promise<void> {
  const dist = options.distDir ?? DEFAULT_WEB_DIST;
  const { hosts } = options.config;
  // Each page as built (with its landing rendered in) and without the landing, for other views.
  const html = new Map<WebPage, { landing: string; view: string }>();
  for (const page of [...IDENTITY_PAGES, ...Object.keys(WEB_APPS)] as WebPage[]) {
    const file = path.join(dist, `${page}.html`);
    if (!existsSync(file)) continue;
    const landing = readFileSync(file, 'utf8');
    html.set(page, { landing, view: landing.replace(/<!--landing-->[\s\S]*<!--\/landing-->/, '') });
  }
  if (html.size === 0) {
    app.log.warn({ dist }, 'web pages are not built (npm run build:web); serving the APIs only');
  }

  const sendPage = (page: WebPage) => async (request: FastifyRequest, reply: FastifyReply) => {
    const view = (request.params as { view?: string }).view;
    if (view !== undefined && (!VIEW.test(view) || RESERVED_VIEWS.has(view))) return reply.callNotFound();
    const template = html.get(page);
    if (!template) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web pages are not built yet: run `npm run build:web`, then restart.');
    }
    const config = pageConfigFor(page, hosts, request.headers.host, request.protocol);
    // JSON inside <script> must not be able to close the element.
    const json = JSON.stringify(config).replace(/</g, '\\u003c');
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'strict-origin-when-cross-origin')
      .header('content-security-policy', contentSecurityPolicy(config))
      .header('x-frame-options', 'DENY')
      .send(
        (view === undefined ? template.landing : template.view).replace(
          CONFIG_SLOT,
          `<script id="calos-config" type="application/json">${json}</script>`,
        ),
      );
  };

  const served = new Set(options.services);
  const mounts: Array<[WebPage, string]> = [
    ...(served.has('identity')
      ? ([
          ['account', '/account'],
          // On identity's own host /account/ arrives as /calos/account/.
          ['account', `${IDENTITY_PREFIX}/account`],
          ['admin', '/admin'],
          ['admin', `${IDENTITY_PREFIX}/admin`],
        ] as Array<[WebPage, string]>)
      : []),
    ...Object.entries(WEB_APPS)
      .filter(([, { service }]) => served.has(service))
      .map(([page, { prefix }]) => [page as WebPage, prefix] as [WebPage, string]),
  ];
  const assets = path.join(dist, 'assets');
  let decorated = false;
  for (const [page, mount] of mounts) {
    const last = mount.slice(mount.lastIndexOf('/') + 1);
    // A relative Location works with and without the prefix the browser sees.
    app.get(mount, { schema: { hide: true } }, async (_request, reply) => reply.redirect(`${last}/`, 301));
    app.get(`${mount}/`, { schema: { hide: true } }, sendPage(page));
    app.get(`${mount}/:view`, { schema: { hide: true } }, sendPage(page));
    // An installable app's service worker (offline use, and Web Push in Family Planner) at the
    // app's root so that its scope is the app, its manifest and its icons (web/build.ts).
    for (const [file, route, type] of [
      [`${page}-sw.js`, 'sw.js', 'text/javascript; charset=utf-8'],
      [`${page}.webmanifest`, 'manifest.webmanifest', 'application/manifest+json; charset=utf-8'],
      [`${page}-icon.svg`, 'icon.svg', 'image/svg+xml'],
      [`${page}-icon-192.png`, 'icon-192.png', 'image/png'],
      [`${page}-icon-512.png`, 'icon-512.png', 'image/png'],
    ] as const) {
      const built = path.join(dist, file);
      if (page === 'account' || !existsSync(built)) continue;
      const content = readFileSync(built);
      app.get(`${mount}/${route}`, { schema: { hide: true } }, async (_request, reply) =>
        reply
          .type(type)
          .header('cache-control', 'no-cache')
          .header('x-content-type-options', 'nosniff')
          .send(content),
      );
    }
    if (existsSync(assets)) {
      await app.register(fastifyStatic, {
        root: assets,
        prefix: `${mount}/assets/`,
        decorateReply: !decorated,
        preCompressed: true,
        // The .br/.gz twin is chosen by Accept-Encoding: a shared cache must key on it.
        setHeaders: (res) => res.setHeader('vary', 'accept-encoding'),
        immutable: true,
        maxAge: '365d',
        index: false,
        schemaHide: true,
      });
      decorated = true;
    }
  }
  // The front door leads to what this process serves and to what it knows is served elsewhere
  // (behind the same proxy): in a split deployment, identity's process answers at /.
  const { config } = options;
  const elsewhere: ServiceName[] = [
    ...(config.identityUrl ? (['identity'] as const) : []),
    ...(config.aiUrl ? (['ai'] as const) : []),
    ...(Object.keys(config.appUrls ?? {}) as ServiceName[]),
  ];
  registerFrontDoor(app, dist, new Set([...served, ...elsewhere]));
  // Identity's own host opens on the account console.
  if (!served.has('identity')) return;
  app.get(`${IDENTITY_PREFIX}/`, { schema: { hide: true } }, async (_request, reply) =>
    reply.redirect('account/', 302),
  );
}

/**
 * The front door at / on the shared host: the built home page with only the services this
 * process serves (pieces marked <calos-service name="…"> are kept or dropped), and its assets.
 */
function registerFrontDoor(app: App, dist: string, served: ReadonlySet<ServiceName>) {
  const file = path.join(dist, 'home.html');
  if (!existsSync(file)) return;
  const page = readFileSync(file, 'utf8').replace(
    /<calos-service name="([a-z]+)">([\s\S]*?)<\/calos-service>/g,
    (_match, service: string, inner: string) => (served.has(service as ServiceName) ? inner : ''),
  );
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'strict-origin-when-cross-origin')
      .header('content-security-policy', FRONT_DOOR_CSP)
      .header('x-frame-options', 'DENY')
      .send(page),
  );
  const assets = path.join(dist, 'assets');
  if (!existsSync(assets)) return;
  app.register(fastifyStatic, {
    root: assets,
    prefix: '/assets/',
    decorateReply: false,
    preCompressed: true,
    setHeaders: (res) => res.setHeader('vary', 'accept-encoding'),
    immutable: true,
    maxAge: '365d',
    index: false,
    schemaHide: true,
  });
}

/** The front door runs no script at all. */
const FRONT_DOOR_CSP = [
  "default-src 'self'",
  "script-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
