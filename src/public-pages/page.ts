// The document around every public page: title, description, canonical link, Open Graph and
// Twitter card tags, JSON-LD, a small inline stylesheet, share buttons and the one small inline
// script they need (copy link, the Web Share API). No third-party script, font or style: the
// share links are plain links, and the Content-Security-Policy allows only our own inline code
// by its hash.
import { createHash } from 'node:crypto';
import { html, jsonForScript, SafeHtml } from './html.ts';

export type PageTheme = 'hollowtown' | 'recipes';

export interface PublicPage {
  theme: PageTheme;
  /** The app's name, for og:site_name and the header. */
  siteName: string;
  /** The app itself, for the header link ("open Hollowtown"). */
  appUrl: string;
  title: string;
  description: string;
  /** Absolute; also og:url. */
  canonicalUrl: string;
  /** Absolute URL of the share image and what it shows. */
  image: { url: string; alt: string; width?: number; height?: number } | null;
  ogType: 'article' | 'profile' | 'website';
  /** schema.org data for the page (a Recipe), or none. */
  jsonLd?: unknown;
  body: SafeHtml;
  /** Share buttons for the canonical URL; false on pages not worth sharing (the 404). */
  share: boolean;
  /** A page that is not content (the 404): no canonical link or social tags, kept out of indexes. */
  noindex?: boolean;
}

const STYLE = `
:root{color-scheme:light;--bg:#fffaf3;--fg:#2b1a10;--muted:#6b4a35;--accent:#a63c14;--card:#fff;--line:#ecd9c6}
.hollowtown{--bg:#1a0b2e;--fg:#fff7ec;--muted:#e3c9f5;--accent:#ffa54d;--card:#2a1442;--line:#4a2a66;color-scheme:dark}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:1.0625rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--accent)}
header,main,footer{max-width:52rem;margin:0 auto;padding:1rem 1.25rem}
header{display:flex;justify-content:space-between;align-items:center;gap:1rem}
header a{font-weight:700;text-decoration:none}
h1{font-size:clamp(1.75rem,5vw,2.5rem);line-height:1.15;margin:.5rem 0}
h2{font-size:1.35rem;margin:1.75rem 0 .5rem}
.lede{color:var(--muted);font-size:1.15rem}
.hero{display:block;width:100%;height:auto;aspect-ratio:1200/630;object-fit:cover;border-radius:1rem;background:var(--card)}
.facts{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;padding:0;margin:1rem 0;list-style:none;color:var(--muted)}
.facts strong{color:var(--fg)}
ol.steps li{margin:.5rem 0}
ul.items{padding-left:1.25rem}
.tags{display:flex;flex-wrap:wrap;gap:.5rem;padding:0;list-style:none}
.tags li{border:1px solid var(--line);border-radius:999px;padding:.1rem .75rem;font-size:.9rem}
.share{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:1.5rem 0;padding:1rem;border:1px solid var(--line);border-radius:1rem;background:var(--card)}
.share h2{margin:0 .5rem 0 0;font-size:1rem}
.share a,.share button{font:inherit;font-size:.95rem;padding:.45rem .9rem;border-radius:999px;border:1px solid var(--accent);background:transparent;color:var(--fg);text-decoration:none;cursor:pointer;min-height:44px;display:inline-flex;align-items:center}
.share [hidden]{display:none}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:1rem;padding:0;list-style:none}
.cards li{border:1px solid var(--line);border-radius:1rem;padding:1rem;background:var(--card)}
footer{color:var(--muted);font-size:.9rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

// The share buttons: copy the link, and the system's share sheet where the browser has one.
const SCRIPT = `(()=>{const s=document.querySelector('[data-share-url]');if(!s)return;const url=s.getAttribute('data-share-url'),title=s.getAttribute('data-share-title'),status=s.querySelector('[role=status]');const copy=s.querySelector('[data-action=copy]'),native=s.querySelector('[data-action=native]');if(navigator.clipboard&&copy){copy.hidden=false;copy.addEventListener('click',()=>navigator.clipboard.writeText(url).then(()=>{status.textContent='Link copied.'},()=>{status.textContent='Could not copy: the link is '+url}))}if(navigator.share&&native){native.hidden=false;native.addEventListener('click',()=>navigator.share({title,url}).catch(()=>{}))}})();`;

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * Pages show photos from wherever their author put them (https), and nothing else from outside;
 * the JSON-LD block is data, which no policy runs.
 */
export const PUBLIC_PAGE_CSP = [
  "default-src 'none'",
  `style-src ${hashOf(STYLE)}`,
  `script-src ${hashOf(SCRIPT)}`,
  "img-src 'self' https: data:",
  // Nothing here fetches; tools that read robots.txt from inside the page (Lighthouse) do.
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const encode = encodeURIComponent;

function shareBlock(page: PublicPage): SafeHtml {
  const url = page.canonicalUrl;
  const text = page.title;
  return html`<section class="share" aria-labelledby="share-title" data-share-url="${url}" data-share-title="${text}">
<h2 id="share-title">Share</h2>
<button type="button" data-action="native" hidden>Share…</button>
<button type="button" data-action="copy" hidden>Copy link</button>
<a href="https://www.pinterest.com/pin/create/button/?url=${encode(url)}&amp;media=${encode(page.image?.url ?? '')}&amp;description=${encode(text)}" target="_blank" rel="noopener noreferrer">Pinterest<span class="visually-hidden"> (opens a new tab)</span></a>
<a href="https://www.facebook.com/sharer/sharer.php?u=${encode(url)}" target="_blank" rel="noopener noreferrer">Facebook<span class="visually-hidden"> (opens a new tab)</span></a>
<a href="https://x.com/intent/tweet?url=${encode(url)}&amp;text=${encode(text)}" target="_blank" rel="noopener noreferrer">X<span class="visually-hidden"> (opens a new tab)</span></a>
<span role="status" aria-live="polite"></span>
</section>`;
}

function imageTags(image: NonNullable<PublicPage['image']>): SafeHtml {
  return html`<meta property="og:image" content="${image.url}">
<meta property="og:image:alt" content="${image.alt}">
${image.width ? html`<meta property="og:image:width" content="${image.width}">\n<meta property="og:image:height" content="${image.height}">\n` : ''}<meta name="twitter:image" content="${image.url}">
<meta name="twitter:image:alt" content="${image.alt}">
`;
}

function socialTags(page: PublicPage): SafeHtml {
  const { image } = page;
  return html`<link rel="canonical" href="${page.canonicalUrl}">
<meta property="og:site_name" content="${page.siteName}">
<meta property="og:type" content="${page.ogType}">
<meta property="og:title" content="${page.title}">
<meta property="og:description" content="${page.description}">
<meta property="og:url" content="${page.canonicalUrl}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="${page.title}">
<meta name="twitter:description" content="${page.description}">
${image ? imageTags(image) : ''}`;
}

export function renderPublicPage(page: PublicPage): string {
  return `<!doctype html>${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · ${page.siteName}</title>
<meta name="description" content="${page.description}">
${page.noindex ? html`<meta name="robots" content="noindex">\n` : socialTags(page)}<meta name="theme-color" content="${page.theme === 'hollowtown' ? '#1a0b2e' : '#fffaf3'}">
<style>${raw(STYLE)}</style>
${page.jsonLd === undefined ? '' : html`<script type="application/ld+json">${raw(jsonForScript(page.jsonLd))}</script>`}
</head>
<body class="${page.theme}">
<header><a href="${page.appUrl}">${page.siteName}</a></header>
<main>
${page.body}
${page.share ? shareBlock(page) : ''}
</main>
<footer>Shared from ${page.siteName}, part of CALOS.</footer>
${page.share ? html`<script>${raw(SCRIPT)}</script>` : ''}
</body>
</html>`}`;
}

/** Code of our own (the stylesheet, the script, JSON already made safe), as it is. */
const raw = (text: string): SafeHtml => new SafeHtml(text);
