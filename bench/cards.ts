// npm run bench:cards: how long a share card (…/card.png, 1200×630) takes to render with satori and
// resvg in this process: the first one (fonts and layout engine loading), then the median and
// slowest of the next ones, with and without a photo; written to docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { type CardContent, cardSvg, renderCard } from '../src/public-pages/card.ts';

const RUNS = Number(process.env.CARD_RUNS ?? 20);
const DOC = path.resolve('docs/benchmarks.md');
const HEADING = '## Share cards (`npm run bench:cards`)';

const photo = {
  type: 'image/png' as const,
  data: Buffer.from(
    new Resvg(
      '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800"><rect width="800" height="800" fill="#3a5"/><circle cx="400" cy="400" r="300" fill="#fa3"/></svg>',
    )
      .render()
      .asPng(),
  ),
};
const card = (i: number, withPhoto: boolean): CardContent => ({
  app: 'Hollowtown',
  kind: 'Spooky recipe',
  title: `Graveyard dirt cups with gummy worms crawling out, batch ${i}`,
  spookiness: (i % 10) + 1,
  detail: 'Easy · 20 min · serves 6',
  photo: withPhoto ? photo : null,
  theme: i % 2 === 0 ? 'hollowtown' : 'recipes',
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function time(content: CardContent) {
  const started = performance.now();
  await cardSvg(content);
  const layout = performance.now() - started;
  const again = performance.now();
  const png = await renderCard(content);
  return { ms: performance.now() - again, layout, bytes: png.length };
}

const first = await time(card(0, false));
const rows: string[] = [];
for (const withPhoto of [false, true]) {
  const runs = [];
  for (let i = 1; i <= RUNS; i++) runs.push(await time(card(i, withPhoto)));
  const ms = runs.map((r) => r.ms);
  rows.push(
    `| ${withPhoto ? 'with an 800×800 photo' : 'without a photo'} | ${median(ms).toFixed(0)} ms | ${Math.max(...ms).toFixed(0)} ms | ${median(runs.map((r) => r.layout)).toFixed(0)} ms | ${Math.round(median(runs.map((r) => r.bytes)) / 1024)} KiB |`,
  );
}
let commit = 'uncommitted';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
} catch {}
const section = `${HEADING}

The first card of a process took ${first.ms.toFixed(0)} ms (loading the fonts and satori's layout
engine); then, ${RUNS} cards each. satori lays the card out on the event loop; resvg rasterises
and encodes it on libuv's thread pool (\`renderAsync\`), so other requests go on meanwhile:

| card | median | slowest | of which on the event loop (satori's layout, median) | PNG size |
| ---- | -----: | ------: | ---------------------------------------------------: | -------: |
${rows.join('\n')}

A card is rendered once per item version (id and \`updated_at\`) and kept in memory (200 cards);
the same version is answered from there, or with 304 to its ETag. Measured
${new Date().toISOString().slice(0, 10)} on commit \`${commit}\`, ${os.cpus().length} CPUs (load average
${os.loadavg()[0]?.toFixed(1)}, shared with other work).
`;
console.log(section);
const doc = readFileSync(DOC, 'utf8');
const start = doc.indexOf(HEADING);
let next: string;
if (start < 0) next = `${doc.trimEnd()}\n\n${section}`;
else {
  const end = doc.indexOf('\n## ', start + HEADING.length);
  next = `${doc.slice(0, start)}${section}${end < 0 ? '' : `\n${doc.slice(end + 1)}`}`;
}
writeFileSync(DOC, next);
