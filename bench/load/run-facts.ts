// The header a load benchmark prints: when, at which commit, on what machine, how busy it was.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { machineFacts } from '../support/machine.ts';

export function commitOf(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** 1-minute load average: other work on this machine skews results (2 cores). */
export const loadAverage = () => os.loadavg()[0]?.toFixed(2) ?? '?';

export function runFacts(name: string): string[] {
  return [
    `${name} — ${new Date().toISOString()}, commit ${commitOf()}`,
    `machine: ${machineFacts()}`,
    `load average (1 min) at start: ${loadAverage()}`,
  ];
}
