// bench:gateway --profile: a CPU profile of the gateway process while it serves 50 clients
// (Ollama format non-streamed, then streamed; or with --openai, OpenAI-format chat completions
// non-streamed, the side-by-side comparison's load), where that CPU goes, and what each
// per-request step costs alone.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatCount, formatMs } from '../load/percentiles.ts';
import type { ServerProcess } from '../load/server-process.ts';
import { formatTable } from '../support/stats.ts';
import type { LoadResult } from './closed-loop.ts';
import { summarizeProfile } from './profile-summary.ts';
import { type StageContext, timeStages } from './stages.ts';

const CLIENTS = 50;
const print = (line = '') => process.stdout.write(`${line}\n`);

/** One load the profile covers: its label and how to run it at `clients`. */
export interface ProfileLoad {
  label: string;
  run: (clients: number) => Promise<LoadResult>;
}

export async function profileGateway(
  platform: ServerProcess,
  loads: readonly ProfileLoad[],
  stages: StageContext,
): Promise<void> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'calos-gateway-profile-')), 'gateway.cpuprofile');
  let answers = 0;
  const { cpuMs } = await platform.profile(file, async () => {
    for (const load of loads) {
      const result = await load.run(CLIENTS);
      answers += result.answers;
      print(
        `gateway ${load.label} ${CLIENTS} clients: ${formatCount(result.requestsPerSecond)}/s, p50 ${formatMs(result.whole.p50)} ms, p99 ${formatMs(result.whole.p99)} ms`,
      );
    }
  });

  const summary = summarizeProfile(file);
  const share = (ms: number) => `${((ms / summary.busyMs) * 100).toFixed(1)} %`;
  const perAnswer = (ms: number) => ((ms / answers) * 1000).toFixed(0);
  print(`\nprofile: ${file} (kept; open it in Chrome DevTools)`);
  print(
    `the gateway process answered ${formatCount(answers)} requests (warm-up included) using ${formatCount(cpuMs)} ms of CPU ` +
      `(user + system): ${perAnswer(cpuMs)} µs per request`,
  );
  print(
    `its main thread was busy in ${formatCount(summary.busyMs)} ms of samples (${perAnswer(summary.busyMs)} µs per request; ` +
      'on a loaded machine this includes time it waited for a core)\n',
  );
  print(
    formatTable([
      ['busy time charged to (nearest package or file on the stack)', 'ms', 'share', 'µs per request'],
      ...summary.byCause
        .slice(0, 20)
        .map((entry) => [entry.place, formatCount(entry.ms), share(entry.ms), perAnswer(entry.ms)]),
    ]),
  );
  print('');
  print(
    formatTable([
      ['busiest functions (self time)', 'place', 'ms', 'share'],
      ...summary.byFunction
        .slice(0, 20)
        .map((entry) => [entry.name.slice(0, 40), entry.place, formatCount(entry.ms), share(entry.ms)]),
    ]),
  );

  print('\neach step alone, one at a time, 1000 times (ms)\n');
  const timings = await timeStages(stages);
  print(
    formatTable([
      ['step', 'p50', 'p90', 'p99'],
      ...timings.map(({ stage, timing }) => [
        stage,
        formatMs(timing.p50),
        formatMs(timing.p90),
        formatMs(timing.p99),
      ]),
    ]),
  );
}
