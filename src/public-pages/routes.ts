// The public pages of an app, registered on its service's routes: /r/:id (and /c/:id) with their
// share cards, /u/:username, /sitemap.xml and /robots.txt. They need no sign-in, render on the
// server, and show only what the app hands them as public: the app reads its own database and
// identity's client, this module only renders. Anything not public, and anything unknown, is the
// same HTML 404.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config, ServiceName } from '../platform/config.ts';
import { prefixSeenByClient } from '../platform/http/host-routing.ts';
import type { App } from '../platform/http/service.ts';
import { isUuid } from '../platform/ids.ts';
import type { Logger } from '../platform/logger.ts';
import { safeFetch } from '../platform/safe-fetch.ts';
import { CARD_HEIGHT, CARD_WIDTH, type CardCache, type CardPhoto, createCardCache } from './card.ts';
import { html, type SafeHtml } from './html.ts';
import { type PageTheme, PUBLIC_PAGE_CSP, renderPublicPage } from './page.ts';
import { publicBaseOf } from './public-url.ts';
import { type PublicRecipe, recipeJsonLd } from './recipe-json-ld.ts';
import { renderRobots, renderSitemap, SITEMAP_LIMIT_PER_KIND, type SitemapEntry } from './sitemap.ts';

export interface PublicAuthor {
  userId: string;
  username: string;
  displayName: string | null;
}

/** The recipe part of an item, for its schema.org Recipe. */
export type RecipeFacts = Pick<
  PublicRecipe,
  | 'ingredients'
  | 'instructions'
  | 'prepMinutes'
  | 'cookMinutes'
  | 'serves'
  | 'keywords'
  | 'category'
  | 'cuisine'
  | 'calories'
  | 'rating'
>;

/** One public item as its page shows it. */
export interface PublicItem {
  id: string;
  name: string;
  description: string | null;
  /** The author's photo (http(s)), or null: the generated card stands in. */
  photoUrl: string | null;
  authorId: string;
  /**
   * Short facts under the title ("Difficulty: easy"). Counts that other features add (upvotes,
   * the author's karma) are facts too: the page, the card and the profile show them as given.
   */
  facts: { label: string; value: string }[];
  /** Ingredients, steps, materials… in order. */
  sections: { title: string; ordered: boolean; items: string[] }[];
  tags: string[];
  /** Hollowtown's 1–10, drawn on the card; null elsewhere. */
  spookiness: number | null;
  /** A line under the card's title (difficulty, time). */
  cardDetail: string | null;
  /** Set for recipes: the page carries a schema.org Recipe. */
  recipe?: RecipeFacts;
  createdAt: Date;
  updatedAt: Date;
}

export interface PublicKind {
  /** The path segment: /r/:id, /c/:id. */
  path: 'r' | 'c';
  /** "Spooky recipe". */
  label: string;
  /** "Spooky recipes", the profile's heading. */
  plural: string;
  /** The item if it is public now; null for private, unpublished, deleted or unknown ids (UUIDs). */
  find(id: string): Promise<PublicItem | null>;
  /** The author's public items, newest first. */
  listBy(userId: string, limit: number): Promise<PublicItem[]>;
  /** Public items for the sitemap, most recently changed first. */
  sitemap(limit: number): Promise<{ id: string; updatedAt: Date }[]>;
}

/** Identity's public user info (its client's findUser); a login may be a username or an email address. */
export interface PublicUsers {
  findUser(query: { userId: string } | { login: string }): Promise<PublicAuthor | null>;
  /** The account's karma (upvotes from others on what it published, across apps). */
  karma: { ofUser(userId: string): Promise<{ karma: number }> };
}

export interface PublicPagesOptions {
  service: ServiceName;
  prefix: string;
  siteName: string;
  theme: PageTheme;
  config: Pick<Config, 'hosts' | 'nodeEnv' | 'recipeImport'>;
  kinds: PublicKind[];
  /** Identity's public user info; undefined when this process cannot reach identity. */
  users: () => PublicUsers | undefined;
  logger: Logger;
  /** Rendered cards kept (default 200). */
  cards?: CardCache;
  /** How a photo is fetched for a card (tests); default: a bounded fetch of public addresses. */
  fetchPhoto?: (url: string) => Promise<CardPhoto | null>;
}

/** Usernames as identity allows them; anything else (an email address too) is not a profile. */
const USERNAME = /^[A-Za-z0-9_.-]{1,64}$/;
/** Items on a profile, per kind. */
const PROFILE_LIMIT = 50;
/** Characters of a description in meta tags (search engines show about 155). */
const DESCRIPTION_LENGTH = 200;

const PAGE_CACHE = 'public, max-age=60';
const CARD_CACHE = 'public, max-age=600';

const clip = (text: string, length: number) =>
  text.length <= length ? text : `${text.slice(0, length - 1).trimEnd()}…`;
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Only http(s) photos are shown or fetched. */
const isWebAddress = (url: string | null): url is string => !!url && /^https?:\/\/[^\s]+$/i.test(url);

function etagOf(body: string | Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
}

const isFresh = (request: FastifyRequest, etag: string) =>
  (request.headers['if-none-match'] ?? '')
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .includes(etag);

function sendCached(
  request: FastifyRequest,
  reply: FastifyReply,
  type: string,
  body: string | Buffer,
  cacheControl: string,
  etag = etagOf(body),
) {
  reply
    .header('etag', etag)
    .header('cache-control', cacheControl)
    .header('x-content-type-options', 'nosniff');
  if (isFresh(request, etag)) return reply.status(304).send();
  return reply.type(type).send(body);
}

const pageHeaders = (reply: FastifyReply) =>
  reply
    .header('content-security-policy', PUBLIC_PAGE_CSP)
    .header('referrer-policy', 'strict-origin-when-cross-origin')
    .header('x-frame-options', 'DENY');

function defaultFetchPhoto(config: PublicPagesOptions['config']) {
  const limits = {
    timeoutMs: 4000,
    maxBytes: 4 * 1024 * 1024,
    maxRedirects: 3,
    allowedHosts: config.recipeImport.allowedHosts,
  };
  return async (url: string): Promise<CardPhoto | null> => {
    const fetched = await safeFetch(url, limits, ['image/png', 'image/jpeg']);
    const type = fetched.contentType.split(';')[0]?.trim().toLowerCase();
    return type === 'image/png' || type === 'image/jpeg' ? { type, data: fetched.body } : null;
  };
}

export function registerPublicPages(app: App, options: PublicPagesOptions): void {
  const { siteName, theme, kinds } = options;
  const cards = options.cards ?? createCardCache();
  const fetchPhoto = options.fetchPhoto ?? defaultFetchPhoto(options.config);
  const hidden = { schema: { hide: true } };
  const baseOf = (request: FastifyRequest) =>
    publicBaseOf(options.config, options.service, options.prefix, request).base;

  /** The item's author with their karma (null when identity does not say it now). */
  const authorOf = async (userId: string): Promise<(PublicAuthor & { karma: number | null }) | null> => {
    const users = options.users();
    if (!users) return null;
    try {
      const [author, karma] = await Promise.all([
        users.findUser({ userId }),
        users.karma.ofUser(userId).then(
          (answer) => answer.karma,
          () => null,
        ),
      ]);
      return author && { ...author, karma };
    } catch (error) {
      // The page is worth showing without its author's name.
      options.logger.warn({ err: error }, 'public page: identity did not answer for the author');
      return null;
    }
  };

  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    pageHeaders(reply)
      .status(404)
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(
        renderPublicPage({
          theme,
          siteName,
          appUrl: appUrlFrom(request),
          title: 'Not found',
          description: 'This page does not exist, or it is not public.',
          canonicalUrl: '',
          image: null,
          ogType: 'website',
          share: false,
          noindex: true,
          body: html`<h1>Not found</h1><p>This page does not exist, or its author has not made it public.</p><p><a href="${appUrlFrom(request)}">Go to ${siteName}</a></p>`,
        }),
      );

  // Links between the public pages are relative: they work under the prefix and on the app's host.
  const appUrlFrom = (request: FastifyRequest) =>
    /\/[rcu]\/[^/]+$/.test(request.url.split('?')[0] ?? '') ? '../' : './';

  for (const kind of kinds) {
    app.get<{ Params: { id: string } }>(`/${kind.path}/:id`, hidden, async (request, reply) => {
      const { id } = request.params;
      const item = isUuid(id) ? await kind.find(id.toLowerCase()) : null;
      if (!item) return notFound(request, reply);
      const base = baseOf(request);
      const author = await authorOf(item.authorId);
      const body = renderItemPage(item, kind, author, base, siteName, theme);
      return sendCached(request, pageHeaders(reply), 'text/html; charset=utf-8', body, PAGE_CACHE);
    });

    app.get<{ Params: { id: string } }>(`/${kind.path}/:id/card.png`, hidden, async (request, reply) => {
      const { id } = request.params;
      const item = isUuid(id) ? await kind.find(id.toLowerCase()) : null;
      if (!item) return notFound(request, reply);
      const version = `${kind.path}-${item.id}-${item.updatedAt.getTime()}`;
      const etag = `"${version}"`;
      if (isFresh(request, etag))
        return reply.status(304).header('etag', etag).header('cache-control', CARD_CACHE).send();
      const png = await cards.get(version, async () => ({
        app: siteName,
        kind: kind.label,
        title: item.name,
        spookiness: item.spookiness,
        detail: item.cardDetail,
        theme,
        photo: isWebAddress(item.photoUrl)
          ? await fetchPhoto(item.photoUrl).catch((error: unknown) => {
              options.logger.info(
                { err: error },
                'share card: the photo could not be fetched; drawn without it',
              );
              return null;
            })
          : null,
      }));
      return sendCached(request, reply, 'image/png', png, CARD_CACHE, etag);
    });
  }

  app.get<{ Params: { username: string } }>('/u/:username', hidden, async (request, reply) => {
    const { username } = request.params;
    const users = options.users();
    if (!users || !USERNAME.test(username)) return notFound(request, reply);
    const user = await users.findUser({ login: username });
    // Identity also finds people by email address: only the exact username is a profile.
    if (!user || user.username.toLowerCase() !== username.toLowerCase()) return notFound(request, reply);
    const [lists, karma] = await Promise.all([
      Promise.all(
        kinds.map(async (kind) => ({ kind, items: await kind.listBy(user.userId, PROFILE_LIMIT) })),
      ),
      // A profile without its karma beats no profile: identity may be busy for a moment.
      users.karma.ofUser(user.userId).then(
        (answer) => answer.karma,
        (error: unknown) => {
          options.logger.warn({ err: error }, 'karma for a public profile could not be read');
          return null;
        },
      ),
    ]);
    const base = baseOf(request);
    const body = renderProfilePage(user, lists, karma, base, siteName, theme);
    return sendCached(request, pageHeaders(reply), 'text/html; charset=utf-8', body, PAGE_CACHE);
  });

  app.get('/sitemap.xml', hidden, async (request, reply) => {
    const base = baseOf(request);
    const entries: SitemapEntry[] = [];
    for (const kind of kinds) {
      for (const item of await kind.sitemap(SITEMAP_LIMIT_PER_KIND))
        entries.push({ loc: `${base}/${kind.path}/${item.id}`, lastmod: item.updatedAt });
    }
    return sendCached(
      request,
      reply,
      'application/xml; charset=utf-8',
      renderSitemap(entries),
      'public, max-age=600',
    );
  });

  app.get('/robots.txt', hidden, async (request, reply) => {
    const base = baseOf(request);
    // Where the app's paths start as this crawler sees them.
    const seenRoot = prefixSeenByClient(request.originalUrl, options.prefix);
    return sendCached(
      request,
      reply,
      'text/plain; charset=utf-8',
      renderRobots(seenRoot, `${base}/sitemap.xml`),
      'public, max-age=3600',
    );
  });
}

function authorName(author: PublicAuthor): string {
  return author.displayName?.trim() || author.username;
}

function describe(item: PublicItem, kindLabel: string, siteName: string): string {
  const text = item.description ? oneLine(item.description) : `${kindLabel} on ${siteName}: ${item.name}.`;
  return clip(text, DESCRIPTION_LENGTH);
}

function renderItemPage(
  item: PublicItem,
  kind: PublicKind,
  author: (PublicAuthor & { karma: number | null }) | null,
  base: string,
  siteName: string,
  theme: PageTheme,
): string {
  const url = `${base}/${kind.path}/${item.id}`;
  const cardUrl = `${url}/card.png`;
  // Only an https photo is shown and offered as og:image: the page's policy (and a page read
  // over https) would refuse a plain-http one, which the card still draws in.
  const photo = isWebAddress(item.photoUrl) && item.photoUrl.startsWith('https://') ? item.photoUrl : null;
  const profileUrl = author ? `${base}/u/${encodeURIComponent(author.username)}` : null;
  const description = describe(item, kind.label, siteName);
  const jsonLd = item.recipe
    ? recipeJsonLd({
        ...item.recipe,
        name: item.name,
        description: item.description ? oneLine(item.description) : null,
        images: photo ? [photo, cardUrl] : [cardUrl],
        author: author && profileUrl ? { name: authorName(author), url: profileUrl } : null,
        published: item.createdAt,
        modified: item.updatedAt,
        url,
      })
    : undefined;
  const body: SafeHtml = html`<article>
<p class="lede">${kind.label}</p>
<h1>${item.name}</h1>
${item.description ? html`<p class="lede">${item.description}</p>` : ''}
${author ? html`<p>By <a href="../u/${encodeURIComponent(author.username)}">${authorName(author)}</a>${author.karma === null ? '' : html` · karma ${String(author.karma)}`}</p>` : ''}
${
  photo
    ? html`<img class="hero" src="${photo}" alt="${item.name}" referrerpolicy="no-referrer" width="1200" height="630" fetchpriority="high">`
    : html`<img class="hero" src="${item.id}/card.png" alt="${`${kind.label}: ${item.name}`}" width="${CARD_WIDTH}" height="${CARD_HEIGHT}" fetchpriority="high">`
}
${item.facts.length > 0 ? html`<ul class="facts">${item.facts.map((f) => html`<li><strong>${f.label}</strong> ${f.value}</li>`)}</ul>` : ''}
${item.sections
  .filter((s) => s.items.length > 0)
  .map((s) =>
    s.ordered
      ? html`<h2>${s.title}</h2><ol class="steps">${s.items.map((step, i) => html`<li id="step-${i + 1}">${step}</li>`)}</ol>`
      : html`<h2>${s.title}</h2><ul class="items">${s.items.map((line) => html`<li>${line}</li>`)}</ul>`,
  )}
${item.tags.length > 0 ? html`<h2>Tags</h2><ul class="tags">${item.tags.map((t) => html`<li>${t}</li>`)}</ul>` : ''}
</article>`;
  return renderPublicPage({
    theme,
    siteName,
    appUrl: '../',
    title: item.name,
    description,
    canonicalUrl: url,
    image: photo
      ? { url: photo, alt: item.name }
      : { url: cardUrl, alt: `${kind.label}: ${item.name}`, width: CARD_WIDTH, height: CARD_HEIGHT },
    ogType: 'article',
    jsonLd,
    body,
    share: true,
  });
}

function renderProfilePage(
  user: PublicAuthor,
  lists: { kind: PublicKind; items: PublicItem[] }[],
  karma: number | null,
  base: string,
  siteName: string,
  theme: PageTheme,
): string {
  const name = authorName(user);
  const url = `${base}/u/${encodeURIComponent(user.username)}`;
  const count = lists.reduce((sum, l) => sum + l.items.length, 0);
  const newest = lists.flatMap((l) => l.items.map((item) => ({ kind: l.kind, item })))[0];
  const body = html`<h1>${name}</h1>
<p class="lede">@${user.username} on ${siteName}</p>
${karma === null ? '' : html`<ul class="facts"><li><strong>Karma</strong> ${String(karma)}</li></ul>`}
${count === 0 ? html`<p>Nothing published yet.</p>` : ''}
${lists
  .filter((l) => l.items.length > 0)
  .map(
    (l) =>
      html`<h2>${l.kind.plural}</h2><ul class="cards">${l.items.map(
        (item) =>
          html`<li><a href="../${l.kind.path}/${item.id}">${item.name}</a>${
            item.description ? html`<p>${clip(oneLine(item.description), 140)}</p>` : ''
          }</li>`,
      )}</ul>`,
  )}`;
  return renderPublicPage({
    theme,
    siteName,
    appUrl: '../',
    title: `${name} (@${user.username})`,
    description: clip(
      `${name} shares ${count === 1 ? 'one creation' : `${count} creations`} on ${siteName}.`,
      DESCRIPTION_LENGTH,
    ),
    canonicalUrl: url,
    image: newest
      ? {
          url: `${base}/${newest.kind.path}/${newest.item.id}/card.png`,
          alt: newest.item.name,
          width: CARD_WIDTH,
          height: CARD_HEIGHT,
        }
      : null,
    ogType: 'profile',
    body,
    share: true,
  });
}
