// The share image of a public page (…/card.png): 1200×630, the size Open Graph and Twitter's
// large card show without cropping, drawn from the item's name, its app, its spookiness and its
// photo. satori lays the card out as SVG, resvg turns it into PNG; both run in-process, no
// browser. The font is Inter (SIL Open Font License 1.1, fonts/OFL.txt), shipped in the
// repository from @fontsource/inter 5.3.0 as WOFF (satori reads TTF, OTF and WOFF, not WOFF2).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderAsync } from '@resvg/resvg-js';
import satori from 'satori';

export const CARD_WIDTH = 1200;
export const CARD_HEIGHT = 630;
const PADDING = 60;

export interface CardPhoto {
  type: 'image/png' | 'image/jpeg';
  data: Buffer;
}

export interface CardContent {
  /** The app's name, at the top. */
  app: string;
  /** What the item is ("Spooky recipe", "Costume idea"). */
  kind: string;
  title: string;
  /** 1–10, Hollowtown's scale; null: not shown. */
  spookiness: number | null;
  /** A line under the title (difficulty, time), or null. */
  detail: string | null;
  photo: CardPhoto | null;
  theme: CardTheme;
}

export type CardTheme = 'hollowtown' | 'recipes';

const THEMES: Record<CardTheme, { background: string; accent: string; text: string; muted: string }> = {
  hollowtown: {
    background: 'linear-gradient(135deg, #1a0b2e 0%, #3b1155 60%, #5c1f0a 100%)',
    accent: '#ff8c1a',
    text: '#fff7ec',
    muted: '#e3c9f5',
  },
  recipes: {
    background: 'linear-gradient(135deg, #fff8ef 0%, #ffe6c7 100%)',
    accent: '#b4441b',
    text: '#2b1a10',
    muted: '#6b4a35',
  },
};

const FONT_DIR = path.join(import.meta.dirname, 'fonts');
let fonts: { name: string; data: Buffer; weight: 400 | 700; style: 'normal' }[] | undefined;
const loadFonts = () => {
  fonts ??= [
    {
      name: 'Inter',
      data: readFileSync(path.join(FONT_DIR, 'inter-latin-400-normal.woff')),
      weight: 400,
      style: 'normal',
    },
    {
      name: 'Inter',
      data: readFileSync(path.join(FONT_DIR, 'inter-latin-700-normal.woff')),
      weight: 700,
      style: 'normal',
    },
  ];
  return fonts;
};

// satori takes React elements; plain objects of the same shape need no React at run time.
type Node = { type: string; props: Record<string, unknown> } | string | null;
const h = (type: string, props: Record<string, unknown>, ...children: Node[]): Node => ({
  type,
  props: { ...props, children: children.filter((c) => c !== null) },
});

/** Long names get smaller type and, past what fits in four lines, an ellipsis. */
function titleOf(title: string): { text: string; size: number } {
  const clean = title.replace(/\s+/g, ' ').trim();
  const text = clean.length > 110 ? `${clean.slice(0, 107).trimEnd()}…` : clean;
  const size = text.length <= 30 ? 72 : text.length <= 60 ? 60 : 48;
  return { text, size };
}

function cardTree(content: CardContent): Node {
  const theme = THEMES[content.theme];
  const title = titleOf(content.title);
  const level =
    content.spookiness === null ? null : Math.min(10, Math.max(1, Math.round(content.spookiness)));
  const meter =
    level === null
      ? null
      : h(
          'div',
          { style: { display: 'flex', flexDirection: 'column', gap: 12 } },
          h('div', { style: { fontSize: 28, color: theme.muted } }, `Spookiness ${level}/10`),
          h(
            'div',
            { style: { display: 'flex', gap: 10 } },
            ...Array.from({ length: 10 }, (_, i) =>
              h('div', {
                style: {
                  width: 34,
                  height: 34,
                  borderRadius: 17,
                  background: i < level ? theme.accent : 'rgba(255,255,255,0.18)',
                  border: `2px solid ${theme.accent}`,
                },
              }),
            ),
          ),
        );
  const photo = content.photo
    ? h(
        'div',
        {
          style: {
            display: 'flex',
            marginLeft: 48,
            borderRadius: 28,
            overflow: 'hidden',
            border: `6px solid ${theme.accent}`,
          },
        },
        h('img', {
          src: `data:${content.photo.type};base64,${content.photo.data.toString('base64')}`,
          width: 420,
          height: 498,
          style: { objectFit: 'cover', width: 420, height: 498 },
        }),
      )
    : null;
  return h(
    'div',
    {
      style: {
        display: 'flex',
        // satori sizes the content box: the padding comes on top.
        width: CARD_WIDTH - 2 * PADDING,
        height: CARD_HEIGHT - 2 * PADDING,
        padding: PADDING,
        background: theme.background,
        fontFamily: 'Inter',
        color: theme.text,
      },
    },
    h(
      'div',
      {
        style: {
          display: 'flex',
          flexDirection: 'column',
          justifyContent: 'space-between',
          flexGrow: 1,
          flexBasis: 0,
        },
      },
      h(
        'div',
        { style: { display: 'flex', fontSize: 30, fontWeight: 700, color: theme.accent, letterSpacing: 1 } },
        `${content.app} · ${content.kind}`,
      ),
      h(
        'div',
        { style: { display: 'flex', flexDirection: 'column', gap: 18 } },
        h('div', { style: { fontSize: title.size, fontWeight: 700, lineHeight: 1.1 } }, title.text),
        content.detail ? h('div', { style: { fontSize: 30, color: theme.muted } }, content.detail) : null,
      ),
      meter ?? h('div', { style: { display: 'flex' } }, ''),
    ),
    photo,
  );
}

/** The card laid out as SVG (satori, on the event loop). */
export async function cardSvg(content: CardContent): Promise<string> {
  // biome-ignore lint/suspicious/noExplicitAny: satori's element type is React's; ours has its shape.
  return satori(cardTree(content) as any, { width: CARD_WIDTH, height: CARD_HEIGHT, fonts: loadFonts() });
}

/** The card as PNG bytes. */
export async function renderCard(content: CardContent): Promise<Buffer> {
  const svg = await cardSvg(content);
  // Rasterising is most of the work: resvg does it on libuv's thread pool, off the event loop.
  const rendered = await renderAsync(svg, { fitTo: { mode: 'width', value: CARD_WIDTH } });
  return Buffer.from(rendered.asPng());
}

export interface CardCache {
  /** The card for this key (id and version), rendered once per key while it stays cached. */
  get(key: string, content: () => Promise<CardContent>): Promise<Buffer>;
  readonly size: number;
}

/**
 * Rendered cards in memory, least recently used dropped first. A key names an item's version
 * (id and updated_at), so an edit makes a new card and the old one ages out; a card asked for
 * again while it renders waits for that rendering.
 */
export function createCardCache(maxEntries = 200): CardCache {
  const cards = new Map<string, Buffer>();
  const rendering = new Map<string, Promise<Buffer>>();
  return {
    get size() {
      return cards.size;
    },
    async get(key, content) {
      const cached = cards.get(key);
      if (cached) {
        cards.delete(key);
        cards.set(key, cached);
        return cached;
      }
      const pending = rendering.get(key);
      if (pending) return pending;
      const job = (async () => renderCard(await content()))();
      rendering.set(key, job);
      try {
        const png = await job;
        cards.set(key, png);
        while (cards.size > maxEntries) {
          const oldest = cards.keys().next().value;
          if (oldest === undefined) break;
          cards.delete(oldest);
        }
        return png;
      } finally {
        rendering.delete(key);
      }
    },
  };
}
