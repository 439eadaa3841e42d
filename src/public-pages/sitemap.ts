// sitemap.xml (sitemaps.org 0.9) and robots.txt of an app's host.
import { escapeXml } from './html.ts';

/** Entries of one sitemap file: the protocol allows 50,000; each kind of page is capped below that. */
export const SITEMAP_LIMIT_PER_KIND = 10_000;

export interface SitemapEntry {
  /** Absolute URL. */
  loc: string;
  lastmod: Date;
}

export function renderSitemap(entries: readonly SitemapEntry[]): string {
  const urls = entries
    .map((e) => `<url><loc>${escapeXml(e.loc)}</loc><lastmod>${e.lastmod.toISOString()}</lastmod></url>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls}\n</urlset>\n`;
}

/**
 * Crawlers may read the app's pages but not its API or API docs (they need a session or say
 * nothing to a reader). `root` is where the app's paths start as the crawler sees them ('' on the
 * app's own host, the prefix on the shared one).
 */
export function renderRobots(root: string, sitemapUrl: string): string {
  return [
    'User-agent: *',
    `Disallow: ${root}/api/`,
    `Disallow: ${root}/docs`,
    '',
    `Sitemap: ${sitemapUrl}`,
    '',
  ].join('\n');
}
