// Builds the web pages into web/dist (or the folder CALOS_WEB_OUT names): the client bundle
// (Vite), each app's landing page rendered to HTML at build time, and gzip/brotli copies of the
// assets. Run by `npm install` (prepare) and `npm run build:web`; the tests build into their own
// folder (test/web/build.ts).
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = import.meta.dirname;
const dist = process.env.CALOS_WEB_OUT ? path.resolve(process.env.CALOS_WEB_OUT) : path.join(root, 'dist');
const configFile = path.join(root, 'vite.config.ts');
const started = Date.now();

await build({ configFile, logLevel: 'warn', build: { outDir: dist } });

// Family Planner's service worker: one script of its own, without imports, under a fixed name
// the server answers at /family/sw.js (its scope is the app).
await build({
  configFile: false,
  root,
  logLevel: 'warn',
  build: {
    outDir: dist,
    emptyOutDir: false,
    target: 'es2022',
    reportCompressedSize: false,
    lib: { entry: path.join(root, 'family', 'sw.ts'), formats: ['es'], fileName: () => 'family-sw.js' },
  },
});

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
