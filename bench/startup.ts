// npm run bench:startup [-- --cold N --warm N]
// Time from launching `calos start` to the first 200 of /readyz on the embedded engine (PGlite):
// cold runs on a fresh data dir (initdb and every migration), warm runs on a migrated one.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { print } from '../src/cli/output.ts';
import { type LaunchTimings, launchUntilReady } from './startup/launch.ts';
import { parseCounts } from './support/args.ts';
import { machineFacts } from './support/machine.ts';
import { runMain } from './support/run.ts';
import { formatTable, SUMMARY_HEADER, samplesOf, summaryRow } from './support/stats.ts';
import { withTempDir } from './support/temp-dir.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const LAUNCH_TIMEOUT_MS = 60_000;
const POLL_MS = 25;

async function main() {
  const counts = parseCounts(process.argv.slice(2), { cold: 3, warm: 5 });
  print(`bench:startup — ${new Date().toISOString()}`);
  print(`machine: ${machineFacts()}`);
  print(`cold runs: ${counts.cold}, warm runs: ${counts.warm}, /readyz polled every ${POLL_MS} ms\n`);

  const cold: LaunchTimings[] = [];
  const warm: LaunchTimings[] = [];
  await withTempDir('calos-bench-startup-', async (root) => {
    let dataDir = '';
    for (let run = 1; run <= counts.cold; run++) {
      dataDir = path.join(root, `cold-${run}`);
      cold.push(await launch('cold', run, dataDir));
    }
    // Warm runs reuse the data dir the last cold run migrated.
    for (let run = 1; run <= counts.warm; run++) warm.push(await launch('warm', run, dataDir));
  });

  const rows = [SUMMARY_HEADER];
  for (const [label, timings] of Object.entries({ cold, warm })) {
    rows.push(summaryRow(`${label}: launch → /readyz 200`, samplesOf(timings, 'readyMs')));
    const reported = timings.flatMap((t) => (t.reportedMs === undefined ? [] : [t.reportedMs]));
    if (reported.length > 0) rows.push(summaryRow(`${label}: startPlatform (self-reported)`, reported));
    rows.push(summaryRow(`${label}: SIGTERM → exit 0`, samplesOf(timings, 'stopMs')));
  }
  print(`\n${formatTable(rows)}`);
}

async function launch(kind: 'cold' | 'warm', run: number, dataDir: string): Promise<LaunchTimings> {
  const timings = await launchUntilReady({
    repoRoot: REPO_ROOT,
    dataDir,
    timeoutMs: LAUNCH_TIMEOUT_MS,
    pollMs: POLL_MS,
  });
  const reported = timings.reportedMs === undefined ? '' : ` (startPlatform ${timings.reportedMs} ms)`;
  print(
    `${kind} ${run}: ready in ${Math.round(timings.readyMs)} ms${reported}, stopped in ${Math.round(timings.stopMs)} ms`,
  );
  return timings;
}

runMain(main);
