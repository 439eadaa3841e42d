import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'dev/**/*.test.ts', 'examples/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Each file opens its own databases. Three workers on this 2-core machine: a test spends much
    // of its time waiting on PostgreSQL, Chromium or a stand-in (the suite used 1.2 cores on
    // average with two workers: 1 092 s of CPU in 910 s).
    pool: 'forks',
    maxWorkers: 3,
    // A worker runs its files one after another in one process, so the platform's modules are
    // loaded once per worker, not once per file: half the CPU time of the suite (measured on 12
    // route test files: 75 s user time isolated, 40 s shared). Files keep no state in modules
    // between them: every platform a test starts, it stops.
    isolate: false,
    // Generous: on a loaded 2-core machine a PGlite-heavy test (a split, the starter pack, a first
    // `npm start`) has taken 40–60 s; a limit is for hangs, not for speed (benchmarks measure that).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { NODE_ENV: 'test' },
  },
});
