// Builds the web pages into web/dist (or the folder CALOS_WEB_OUT names): the client bundle
// (Vite), each app's landing page rendered to HTML at build time, and gzip/brotli copies of the
// assets. Run by `npm install` (prepare) and `npm run build:web`; the tests build into their own
// folder (test/web/build.ts).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import { build } from 'vite';

const root = import.meta.dirname;
const dist = process.env.CALOS_WEB_OUT ? path.resolve(process.env.CALOS_WEB_OUT) : path.join(root, 'dist');
const configFile = path.join(root, 'vite.config.ts');
const started = Date.now();

await build({ configFile, logLevel: 'warn', build: { outDir: dist } });

// The installable apps (web/shared/offline-worker.ts): each one's service worker as one script
// without imports under a fixed name the server answers at <app>/sw.js (its scope is the app),
// told which assets make up the app's shell; its web app manifest and icons.
const OFFLINE_APPS = {
  family: { name: 'Family Planner', short_name: 'Family', theme: '#1f5fa8' },
  recipes: { name: 'HowToCookAtHome', short_name: 'Cook', theme: '#2e6a2e' },
} as const;
for (const [app, about] of Object.entries(OFFLINE_APPS)) {
  const page = readFileSync(path.join(dist, `${app}.html`), 'utf8');
  const assets = [...new Set([...page.matchAll(/\.\/assets\/([\w.-]+)/g)].map((m) => m[1] as string))].sort();
  const version = createHash('sha256').update(assets.join('\n')).digest('hex').slice(0, 16);
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    define: { __PRECACHE__: JSON.stringify({ version, assets }) },
    build: {
      outDir: dist,
      emptyOutDir: false,
      target: 'es2022',
      reportCompressedSize: false,
      lib: { entry: path.join(root, app, 'sw.ts'), formats: ['es'], fileName: () => `${app}-sw.js` },
    },
  });
  const svg = readFileSync(path.join(root, app, 'icon.svg'));
  writeFileSync(path.join(dist, `${app}-icon.svg`), svg);
  for (const size of [192, 512]) {
    const png = new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();
    writeFileSync(path.join(dist, `${app}-icon-${size}.png`), png);
  }
  // URLs relative to the manifest (<app>/manifest.webmanifest): right under a prefix and on a host.
  const manifest = {
    name: about.name,
    short_name: about.short_name,
    description: `${about.name}: your shopping list, also in a shop with no signal.`,
    id: './',
    start_url: './shopping',
    scope: './',
    display: 'standalone',
    background_color: '#ffffff',
    theme_color: about.theme,
    icons: [
      { src: './icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: './icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: './icon.svg', sizes: 'any', type: 'image/svg+xml' },
    ],
  };
  writeFileSync(path.join(dist, `${app}.webmanifest`), `${JSON.stringify(manifest, null, 2)}\n`);
}

// Inside the project, so the bundle resolves react from node_modules; one per build process.
const ssrDir = path.join(root, 'dist', `.prerender-${process.pid}`);
try {
  await build({
    configFile,
    logLevel: 'warn',
    build: {
      ssr: path.join(root, 'prerender.tsx'),
      outDir: ssrDir,
      emptyOutDir: true,
      rollupOptions: { input: path.join(root, 'prerender.tsx') },
    },
  });
  const entry = readdirSync(ssrDir).find((file) => /^prerender\.m?js$/.test(file));
  if (!entry) throw new Error(`prerender bundle not found in ${ssrDir}`);
  const { renderLanding, renderHome } = (await import(pathToFileURL(path.join(ssrDir, entry)).href)) as {
    renderLanding: (app: string) => string;
    renderHome: () => string;
  };
  const home = path.join(dist, 'home.html');
  writeFileSync(home, readFileSync(home, 'utf8').replace('<!--app-html-->', renderHome()));
  for (const app of ['hollowtown', 'recipes', 'family']) {
    const file = path.join(dist, `${app}.html`);
    const html = readFileSync(file, 'utf8');
    if (!html.includes('<!--app-html-->')) throw new Error(`${file} has no <!--app-html--> slot`);
    // The markers let the server leave the landing out when another view is asked for.
    writeFileSync(
      file,
      html.replace('<!--app-html-->', `<!--landing-->${renderLanding(app)}<!--/landing-->`),
    );
  }
} finally {
  rmSync(ssrDir, { recursive: true, force: true });
}

const assets = path.join(dist, 'assets');
let bytes = 0;
for (const name of readdirSync(assets)) {
  if (!/\.(js|css|svg|json)$/.test(name)) continue;
  const file = path.join(assets, name);
  const content = readFileSync(file);
  bytes += statSync(file).size;
  writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
  writeFileSync(
    `${file}.br`,
    brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  );
}
console.log(
  `web pages built in ${((Date.now() - started) / 1000).toFixed(1)} s (${Math.round(bytes / 1024)} KiB of assets)`,
);
