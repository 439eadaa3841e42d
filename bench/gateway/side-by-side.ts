// bench:gateway's peer comparison: the same OpenAI-format, non-streamed chat load (many accounts
// rotating, 50 connections) against Portkey's open-source gateway and CALOS on each engine, all
// in front of the same instant Ollama stand-in. Targets take turns, round after round, in an
// order that rotates, so drift in the machine's load hits every target alike.
import { readFileSync } from 'node:fs';
import { formatCount, formatMs } from '../load/percentiles.ts';
import { formatTable } from '../support/stats.ts';
import { type LoadResult, runClosedLoop } from './closed-loop.ts';

export interface PeerTarget {
  key: string;
  label: string;
  /** The server's process, whose CPU time (all its threads) is charged to the requests. */
  pid: number;
  origin: string;
  path: string;
  headers: (n: number) => Record<string, string>;
}

export interface SideBySideSpec {
  targets: readonly PeerTarget[];
  /** The target every ratio is taken against (Portkey). */
  baseline: string;
  /**
   * The target that is the upstream alone, no gateway in between (the stand-in). Each gateway's
   * own cost is then its time per answer beyond that: the load generator and the upstream share
   * the machine's cores with every gateway, so a ratio of requests per second cannot go past the
   * upstream-alone target's, however cheap the gateway.
   */
  direct?: string;
  clients: number;
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  body: string;
  print: (line?: string) => void;
}

export interface PeerRun extends LoadResult {
  /** CPU time (user + system, every thread) the server spent per answer, warm-up included. */
  cpuUsPerAnswer: number;
}

/** Every target's result in each round. */
export type SideBySideResults = Map<string, PeerRun[]>;

/**
 * User + system CPU of a process and all its threads, in microseconds (Linux). On a shared
 * machine this moves far less with other people's load than requests per second do.
 */
function cpuUsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1_000_000) / CLOCK_TICKS_PER_SECOND;
}
const CLOCK_TICKS_PER_SECOND = 100;

/** An OpenAI-format answer is complete when its one choice has finished. */
const COMPLETE_MARKER = '"finish_reason":"stop"';

export async function runSideBySide(spec: SideBySideSpec): Promise<SideBySideResults> {
  const results: SideBySideResults = new Map(spec.targets.map((t) => [t.key, []]));
  for (let round = 0; round < spec.rounds; round++) {
    const order = spec.targets.map((_, i) => spec.targets[(i + round) % spec.targets.length] as PeerTarget);
    for (const target of order) {
      const cpuBefore = cpuUsOf(target.pid);
      const loaded = await runClosedLoop({
        origin: target.origin,
        path: target.path,
        clients: spec.clients,
        warmupSeconds: spec.warmupSeconds,
        seconds: spec.seconds,
        headers: target.headers,
        body: spec.body,
        completeMarker: COMPLETE_MARKER,
      });
      const result = { ...loaded, cpuUsPerAnswer: (cpuUsOf(target.pid) - cpuBefore) / loaded.answers };
      results.get(target.key)?.push(result);
      spec.print(
        `round ${round + 1} ${target.label.padEnd(34)} ${formatCount(result.requestsPerSecond).padStart(6)}/s, p50 ${formatMs(result.whole.p50)} ms, p99 ${formatMs(result.whole.p99)} ms, ${Math.round(result.cpuUsPerAnswer)} µs CPU per answer`,
      );
    }
  }
  return results;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const range = (values: number[], format: (n: number) => string) =>
  `${format(Math.min(...values))}–${format(Math.max(...values))}`;

/** Medians and ranges over the rounds, and each target's throughput as a multiple of the baseline's. */
export function reportSideBySide(spec: SideBySideSpec, results: SideBySideResults) {
  const baseline = results.get(spec.baseline) ?? [];
  const rows: string[][] = [
    [
      '',
      'req/s (median)',
      'req/s (range)',
      'p50',
      'p99 (median)',
      'p99 (range)',
      `× ${spec.baseline}`,
      'CPU µs/answer',
      `${spec.baseline} CPU ÷ this`,
    ],
  ];
  for (const target of spec.targets) {
    const runs = results.get(target.key) ?? [];
    const rps = runs.map((r) => r.requestsPerSecond);
    // Ratios round by round: each round's targets ran minutes apart at most.
    const ratios = runs.map((r, i) => r.requestsPerSecond / (baseline[i]?.requestsPerSecond ?? Number.NaN));
    const cpu = median(runs.map((r) => r.cpuUsPerAnswer));
    const baselineCpu = median(baseline.map((r) => r.cpuUsPerAnswer));
    rows.push([
      target.label,
      formatCount(median(rps)),
      range(rps, formatCount),
      formatMs(median(runs.map((r) => r.whole.p50))),
      formatMs(median(runs.map((r) => r.whole.p99))),
      range(
        runs.map((r) => r.whole.p99),
        formatMs,
      ),
      target.key === spec.baseline
        ? '1'
        : `${median(ratios).toFixed(2)} (${range(ratios, (n) => n.toFixed(2))})`,
      String(Math.round(cpu)),
      (baselineCpu / cpu).toFixed(2),
    ]);
  }
  spec.print(
    `\nPOST /v1/chat/completions (OpenAI format, not streamed), ${spec.clients} clients, ${spec.rounds} rounds of ${spec.seconds} s after ${spec.warmupSeconds} s of warm-up; milliseconds\n`,
  );
  spec.print(formatTable(rows));
  if (spec.direct) reportAddedTime(spec, results, spec.direct);
}

/**
 * What each gateway adds: microseconds of the whole machine per answer (1 / req/s) beyond the
 * upstream alone, round by round, and how many times less than the baseline's that is.
 */
function reportAddedTime(spec: SideBySideSpec, results: SideBySideResults, direct: string) {
  const alone = results.get(direct) ?? [];
  const baseline = results.get(spec.baseline) ?? [];
  const addedUs = (run: PeerRun | undefined, round: number) => {
    const upstream = alone[round];
    if (!run || !upstream) return Number.NaN;
    return 1e6 / run.requestsPerSecond - 1e6 / upstream.requestsPerSecond;
  };
  const rows: string[][] = [['', 'µs added per answer (median)', 'range', `${spec.baseline}'s ÷ this`]];
  for (const target of spec.targets) {
    if (target.key === direct) continue;
    const runs = results.get(target.key) ?? [];
    const added = runs.map((run, round) => addedUs(run, round));
    const ratios = runs.map((run, round) => addedUs(baseline[round], round) / addedUs(run, round));
    rows.push([
      target.label,
      String(Math.round(median(added))),
      range(added, (n) => String(Math.round(n))),
      target.key === spec.baseline
        ? '1'
        : `${median(ratios).toFixed(2)} (${range(ratios, (n) => n.toFixed(2))})`,
    ]);
  }
  const ceiling = alone.map(
    (run, round) => run.requestsPerSecond / (baseline[round]?.requestsPerSecond ?? Number.NaN),
  );
  spec.print(
    '\nwhat each gateway adds to the upstream alone: 1 / (req/s) of the whole machine, less the same for the stand-in without a proxy, round by round. ' +
      `A gateway that cost nothing would reach ${median(ceiling).toFixed(2)}× ${spec.baseline}'s req/s on this machine ` +
      '(the load generator and the upstream share its cores with every gateway).\n',
  );
  spec.print(formatTable(rows));
}
