// The front ends: one page per app, sharing one component kit. Relative asset URLs let the same
// build answer under a prefix (/hollowtown/) and on the app's own host (hollowtown.com/).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;
export const PAGES = ['home', 'account', 'admin', 'hollowtown', 'recipes', 'family'] as const;

export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    rollupOptions: {
      input: Object.fromEntries(PAGES.map((page) => [page, resolve(root, `${page}.html`)])),
    },
  },
});
