// npm run bench:lighthouse: Lighthouse (the version pinned in package.json) with Debian's
// Chromium on the three landing pages and on two public recipe pages (Hollowtown's and
// HowToCookAtHome's, no sign-in), each on its app's own *.localhost host as in production;
// performance, accessibility and SEO, median of a few runs, written to docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM, HOSTS, hasChromium, startScriptPlatform } from '../test/web/support.ts';

const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
const LANDINGS = ['hollowtown', 'recipes', 'family'] as const;
const DOC = path.resolve('docs/benchmarks.md');
const LANDING_HEADING = '## Web: Lighthouse on the landing pages (`npm run bench:lighthouse`)';
const PUBLIC_HEADING = '## Web: Lighthouse on the public recipe pages (`npm run bench:lighthouse`)';
/** Which pages to measure: landing, public, or both (default); each set has its own section. */
const SETS = (process.env.LIGHTHOUSE_PAGES ?? 'landing,public').split(',').map((s) => s.trim());

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

async function main() {
  if (!hasChromium) process.exit(1);
  const web = await startScriptPlatform({ LOG_LEVEL: 'silent' });
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP *.localhost 127.0.0.1, MAP localhost 127.0.0.1',
    ],
  });
  const rows: Record<'landing' | 'public', string[]> = { landing: [], public: [] };
  const pages: { url: string; label: string; set: 'landing' | 'public' }[] = [];
  if (SETS.includes('landing'))
    for (const page of LANDINGS)
      pages.push({ url: web.at(page), label: `http://${HOSTS[page]}/`, set: 'landing' });
  if (SETS.includes('public'))
    for (const page of await publicRecipePages(web)) pages.push({ ...page, set: 'public' });
  try {
    for (const { url, label, set } of pages) {
      const scores = { performance: [] as number[], accessibility: [] as number[], seo: [] as number[] };
      const metrics = { fcp: [] as number[], lcp: [] as number[], tbt: [] as number[], cls: [] as number[] };
      for (let run = 0; run < RUNS; run++) {
        const result = await lighthouse(url, {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: ['performance', 'accessibility', 'seo'],
        });
        const lhr = result?.lhr;
        if (!lhr) throw new Error(`Lighthouse returned nothing for ${url}`);
        scores.performance.push(Math.round((lhr.categories.performance?.score ?? 0) * 100));
        scores.accessibility.push(Math.round((lhr.categories.accessibility?.score ?? 0) * 100));
        scores.seo.push(Math.round((lhr.categories.seo?.score ?? 0) * 100));
        metrics.fcp.push(lhr.audits['first-contentful-paint']?.numericValue ?? Number.NaN);
        metrics.lcp.push(lhr.audits['largest-contentful-paint']?.numericValue ?? Number.NaN);
        metrics.tbt.push(lhr.audits['total-blocking-time']?.numericValue ?? Number.NaN);
        metrics.cls.push(lhr.audits['cumulative-layout-shift']?.numericValue ?? Number.NaN);
      }
      const row = `| \`${label}\` | ${median(scores.performance)} | ${median(scores.accessibility)} | ${median(scores.seo)} | ${(median(metrics.fcp) / 1000).toFixed(1)} s | ${(median(metrics.lcp) / 1000).toFixed(1)} s | ${Math.round(median(metrics.tbt))} ms | ${median(metrics.cls).toFixed(3)} |`;
      console.log(row, `(performance runs: ${scores.performance.join(', ')})`);
      rows[set].push(row);
    }
  } finally {
    chrome.kill();
    await web.close();
  }

  const chromium = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim();
  const version = JSON.parse(
    readFileSync(path.resolve('node_modules/lighthouse/package.json'), 'utf8'),
  ).version;
  let commit = 'uncommitted';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {}
  const profile = `Lighthouse ${version} with ${chromium} (headless), its default mobile profile: simulated slow 4G
and a 4× slower CPU.`;
  const table = (
    lines: string[],
  ) => `| page | performance | accessibility | SEO | first contentful paint | largest contentful paint | total blocking time | layout shift |
| ---- | ----------: | ------------: | --: | ---------------------: | -----------------------: | ------------------: | -----------: |
${lines.join('\n')}`;
  const measured = `Measured ${new Date().toISOString().slice(0, 10)} on commit \`${commit}\`, ${os.cpus().length} CPUs (load average ${os
    .loadavg()[0]
    ?.toFixed(1)} at the end, shared with other work).`;
  if (rows.landing.length > 0)
    writeSection(
      LANDING_HEADING,
      `${profile} Each landing page is served by \`npm start\`'s server on its own host
(\`CALOS_HOSTS\`), as built by \`npm run build:web\`: the landing is rendered to HTML at build time,
assets are hashed, immutable and served brotli-compressed. Median of ${RUNS} runs per page.

${table(rows.landing)}

${measured}
`,
    );
  if (rows.public.length > 0)
    writeSection(
      PUBLIC_HEADING,
      `${profile} A published recipe of each app (\`/r/:id\`, no sign-in), on the app's own host
(\`CALOS_HOSTS\`), rendered on the server per request with its style and script inline. The recipe
has no photo, so the largest paint is its generated 1200×630 share card (\`card.png\`). Median of
${RUNS} runs per page. \`LIGHTHOUSE_PAGES=public npm run bench:lighthouse\` measures only these.

${table(rows.public)}

${measured}
`,
    );
}

/** Puts a section in docs/benchmarks.md, in place of the one under the same heading. */
function writeSection(heading: string, body: string) {
  const section = `${heading}\n\n${body}`;
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf(heading);
  let next: string;
  if (start < 0) next = `${doc.trimEnd()}\n\n${section}`;
  else {
    const end = doc.indexOf('\n## ', start + heading.length);
    next = `${doc.slice(0, start)}${section}${end < 0 ? '' : `\n${doc.slice(end + 1)}`}`;
  }
  writeFileSync(DOC, next);
  console.log(`${heading} written to ${path.relative(process.cwd(), DOC)}`);
}

/** A published recipe in each app (no photo: the share card is the image), by an author made here. */
async function publicRecipePages(web: Awaited<ReturnType<typeof startScriptPlatform>>) {
  const signUp = await web.http('account', '/api/auth/register', {
    body: {
      username: 'lighthouse',
      email: 'lighthouse@example.com',
      password: 'a long pass phrase',
      display_name: 'Lighthouse',
    },
  });
  const headers = { authorization: `Bearer ${signUp.body.access_token}` };
  const recipe = {
    description: 'Chocolate pudding under cookie-crumb soil, with gummy worms crawling out of every cup.',
    ingredients: [
      '500 g chocolate pudding',
      '12 gummy worms',
      '2 cups crushed chocolate cookies',
      '1 tbsp cocoa powder',
    ],
    instructions: [
      'Spoon the pudding into six small cups.',
      'Cover each with a thick layer of crushed cookies.',
      'Push two gummy worms into each cup so they crawl out.',
      'Dust with cocoa and chill for an hour.',
    ],
    prep_time_minutes: 20,
    serves: 6,
    tags: ['no-bake', 'kids-friendly'],
    is_published: true,
  };
  const spooky = await web.http('hollowtown', '/api/recipes/spooky', {
    headers,
    body: { ...recipe, recipe_name: 'Graveyard dirt cups', spookiness_level: 7, difficulty: 'easy' },
  });
  const cooking = await web.http('recipes', '/api/recipes', {
    headers,
    body: { ...recipe, recipe_name: 'Dirt cups', difficulty: 'easy', cook_time_minutes: 0 },
  });
  if (spooky.status !== 201 || cooking.status !== 201)
    throw new Error('could not publish the recipes to measure');
  return [
    { url: web.at('hollowtown', `/r/${spooky.body.recipe_id}`), label: `http://${HOSTS.hollowtown}/r/:id` },
    { url: web.at('recipes', `/r/${cooking.body.recipe_id}`), label: `http://${HOSTS.recipes}/r/:id` },
  ];
}

await main();
