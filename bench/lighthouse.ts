// npm run bench:lighthouse: Lighthouse (the version pinned in package.json) with Debian's
// Chromium on the three landing pages, each on its own *.localhost host as in production;
// performance and accessibility, median of a few runs, appended to docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM, HOSTS, hasChromium, startScriptPlatform } from '../test/web/support.ts';

const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
const PAGES = ['hollowtown', 'recipes', 'family'] as const;
const DOC = path.resolve('docs/benchmarks.md');
const HEADING = '## Web: Lighthouse on the landing pages (`npm run bench:lighthouse`)';

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
  const rows: string[] = [];
  try {
    for (const page of PAGES) {
      const url = web.at(page);
      const scores = { performance: [] as number[], accessibility: [] as number[] };
      const metrics = { fcp: [] as number[], lcp: [] as number[], tbt: [] as number[], cls: [] as number[] };
      for (let run = 0; run < RUNS; run++) {
        const result = await lighthouse(url, {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: ['performance', 'accessibility'],
        });
        const lhr = result?.lhr;
        if (!lhr) throw new Error(`Lighthouse returned nothing for ${url}`);
        scores.performance.push(Math.round((lhr.categories.performance?.score ?? 0) * 100));
        scores.accessibility.push(Math.round((lhr.categories.accessibility?.score ?? 0) * 100));
        metrics.fcp.push(lhr.audits['first-contentful-paint']?.numericValue ?? Number.NaN);
        metrics.lcp.push(lhr.audits['largest-contentful-paint']?.numericValue ?? Number.NaN);
        metrics.tbt.push(lhr.audits['total-blocking-time']?.numericValue ?? Number.NaN);
        metrics.cls.push(lhr.audits['cumulative-layout-shift']?.numericValue ?? Number.NaN);
      }
      const row = `| \`http://${HOSTS[page]}/\` | ${median(scores.performance)} | ${median(scores.accessibility)} | ${(median(metrics.fcp) / 1000).toFixed(1)} s | ${(median(metrics.lcp) / 1000).toFixed(1)} s | ${Math.round(median(metrics.tbt))} ms | ${median(metrics.cls).toFixed(3)} |`;
      console.log(row, `(performance runs: ${scores.performance.join(', ')})`);
      rows.push(row);
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
  const section = `${HEADING}

Lighthouse ${version} with ${chromium} (headless), its default mobile profile: simulated slow 4G
and a 4× slower CPU. Each landing page is served by \`npm start\`'s server on its own host
(\`CALOS_HOSTS\`), as built by \`npm run build:web\`: the landing is rendered to HTML at build time,
assets are hashed, immutable and served brotli-compressed. Median of ${RUNS} runs per page.

| page | performance | accessibility | first contentful paint | largest contentful paint | total blocking time | layout shift |
| ---- | ----------: | ------------: | ---------------------: | -----------------------: | ------------------: | -----------: |
${rows.join('\n')}

Measured ${new Date().toISOString().slice(0, 10)} on commit \`${commit}\`, ${os.cpus().length} CPUs (load average ${os
    .loadavg()[0]
    ?.toFixed(1)} at the end, shared with other work).
`;
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf(HEADING);
  let next: string;
  if (start < 0) next = `${doc.trimEnd()}\n\n${section}`;
  else {
    const end = doc.indexOf('\n## ', start + HEADING.length);
    next = `${doc.slice(0, start)}${section}${end < 0 ? '' : `\n${doc.slice(end + 1)}`}`;
  }
  writeFileSync(DOC, next);
  console.log(`written to ${path.relative(process.cwd(), DOC)}`);
}

await main();
