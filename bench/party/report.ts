// The tables bench:party prints: the two layouts' step times side by side, then for each layout
// what every process did per step (CPU milliseconds, mean per party) and while idle, and the
// calls between services and the new connections the proxy saw.
import { formatMs, percentilesOf } from '../load/percentiles.ts';
import type { CpuTime } from '../support/cpu.ts';
import { formatTable } from '../support/stats.ts';
import { STEPS, type Step } from './flow.ts';
import { sumTraffic, type Traffic } from './traffic.ts';

export interface LayoutResult {
  layout: 'one process' | 'five processes';
  parties: number;
  idleSeconds: number;
  /** CPU time of each process over the idle stretch. */
  idleCpu: Record<string, CpuTime>;
  idleTraffic: Traffic;
  processes: string[];
  times: Record<Step, number[]>;
  /** Per step, one entry per party: CPU time by process. */
  cpu: Record<Step, Record<string, CpuTime>[]>;
  traffic: Record<Step, Traffic[]>;
}

const print = (line = '') => process.stdout.write(`${line}\n`);
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const meanCpu = (result: LayoutResult, step: Step, name: string, part: keyof CpuTime = 'all') =>
  mean(result.cpu[step].map((c) => c[name]?.[part] ?? 0));
const totalCpu = (result: LayoutResult, step: Step) =>
  result.processes.reduce((sum, name) => sum + meanCpu(result, step, name), 0);
const callsOf = (t: Traffic) => [...t.calls.values()].reduce((a, b) => a + b, 0);
const perParty = (value: number, parties: number) => (value / parties).toFixed(1).replace(/\.0$/, '');

export function printComparison(one: LayoutResult, five: LayoutResult): void {
  print(`\n${one.parties} parties per layout. Wall clock, milliseconds (p50 / p90), and CPU milliseconds`);
  print('of all processes together (mean per party, the benchmark with its proxy included):\n');
  const rows: string[][] = [
    ['step', 'one process', 'five processes', 'five / one (p50)', 'CPU one', 'CPU five'],
  ];
  let [wallOne, wallFive, cpuOne, cpuFive] = [0, 0, 0, 0];
  for (const step of STEPS) {
    const a = percentilesOf(one.times[step]);
    const b = percentilesOf(five.times[step]);
    const [ca, cb] = [totalCpu(one, step), totalCpu(five, step)];
    wallOne += a.p50;
    wallFive += b.p50;
    cpuOne += ca;
    cpuFive += cb;
    rows.push([
      step,
      `${formatMs(a.p50)} / ${formatMs(a.p90)}`,
      `${formatMs(b.p50)} / ${formatMs(b.p90)}`,
      (b.p50 / a.p50).toFixed(2),
      ca.toFixed(1),
      cb.toFixed(1),
    ]);
  }
  rows.push([
    '**the whole party (sum)**',
    `**${formatMs(wallOne)}**`,
    `**${formatMs(wallFive)}**`,
    `**${(wallFive / wallOne).toFixed(2)}**`,
    cpuOne.toFixed(1),
    cpuFive.toFixed(1),
  ]);
  print(formatTable(rows));
}

export function printLayout(result: LayoutResult): void {
  const { parties, processes } = result;
  print(`\n### ${result.layout}: CPU milliseconds per process, mean per party\n`);
  const rows: string[][] = [['step', ...processes, 'calls between services', 'new connections (in / out)']];
  for (const step of STEPS) {
    const traffic = sumTraffic(result.traffic[step]);
    rows.push([
      step,
      ...processes.map((name) => meanCpu(result, step, name).toFixed(2)),
      perParty(callsOf(traffic), parties),
      `${perParty(traffic.connectionsIn, parties)} / ${perParty(traffic.connectionsOut, parties)}`,
    ]);
  }
  const seconds = result.idleSeconds;
  rows.push([
    `idle, per second (${seconds} s)`,
    ...processes.map((name) => ((result.idleCpu[name]?.all ?? 0) / seconds).toFixed(2)),
    (callsOf(result.idleTraffic) / seconds).toFixed(1),
    `${result.idleTraffic.connectionsIn} / ${result.idleTraffic.connectionsOut} in all`,
  ]);
  rows.push([
    'the whole party: main thread / all threads',
    ...processes.map((name) => {
      const [main, all] = (['main', 'all'] as const).map((part) =>
        STEPS.reduce((sum, step) => sum + meanCpu(result, step, name, part), 0),
      );
      return `${(main ?? 0).toFixed(1)} / ${(all ?? 0).toFixed(1)}`;
    }),
    '',
    '',
  ]);
  print(formatTable(rows));
  const all = sumTraffic(Object.values(result.traffic).flat());
  if (all.calls.size > 0) {
    print(`\nCalls between services, per party:`);
    for (const step of STEPS) {
      const calls = [...sumTraffic(result.traffic[step]).calls].sort((a, b) => b[1] - a[1]);
      if (calls.length === 0) continue;
      print(`- ${step}: ${calls.map(([key, count]) => `${key} ${perParty(count, parties)}`).join(', ')}`);
    }
  }
  if (result.idleTraffic.calls.size > 0) {
    print(`\nCalls between services while idle, per second:`);
    for (const [key, count] of [...result.idleTraffic.calls].sort((a, b) => b[1] - a[1]))
      print(`- ${key}: ${(count / seconds).toFixed(2)}`);
  }
}
