// Where a process spent its CPU, from a V8 .cpuprofile: each sample is charged to the nearest
// package or CALOS source file on its stack (so a socket write made by pg counts for pg, a
// signature check made by jose for jose), and the busiest functions by self time.
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Milliseconds on the CPU (everything but idle). */
  busyMs: number;
  byCause: { place: string; ms: number }[];
  byFunction: { name: string; place: string; ms: number }[];
}

const IDLE = '(idle)';
/** Node's scheduling frames at the bottom of every stack: they cause nothing themselves. */
const DRIVERS = /^node:internal\/(process|timers)/;

export function summarizeProfile(file: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const selfMicros = new Map<number, number>();
  // timeDeltas[i + 1] is how long sample i was current.
  profile.samples.forEach((id, i) => {
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });

  const byCause = new Map<string, number>();
  const byFunction = new Map<string, { name: string; place: string; ms: number }>();
  let busyMs = 0;
  for (const [id, micros] of selfMicros) {
    const node = nodes.get(id);
    if (!node || node.callFrame.functionName === IDLE) continue;
    const ms = micros / 1000;
    busyMs += ms;
    const stack: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const frame = nodes.get(at)?.callFrame;
      if (frame) stack.push(frame);
    }
    const cause = causeOf(stack);
    byCause.set(cause, (byCause.get(cause) ?? 0) + ms);
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const key = `${name} ${url}:${lineNumber}`;
    const entry = byFunction.get(key) ?? { name, place: placeOf(node.callFrame), ms: 0 };
    entry.ms += ms;
    byFunction.set(key, entry);
  }
  return {
    busyMs,
    byCause: [...byCause].map(([place, ms]) => ({ place, ms })).sort((a, b) => b.ms - a.ms),
    byFunction: [...byFunction.values()].sort((a, b) => b.ms - a.ms),
  };
}

/** Leaf first: the nearest package or source file, else the outermost Node module, else the leaf. */
function causeOf(stack: readonly CallFrame[]): string {
  const own = stack.find((frame) => isPackage(frame.url) || isSource(frame.url));
  if (own) return placeOf(own);
  const core = stack.filter((frame) => frame.url.startsWith('node:') && !DRIVERS.test(frame.url)).at(-1);
  return placeOf(core ?? (stack[0] as CallFrame));
}

const PACKAGE = /node_modules\/((?:@[^/]+\/)?[^/]+)\//;
const SOURCE = /\/((?:src|test|bench)\/.+)$/;
const isPackage = (url: string) => PACKAGE.test(url);
const isSource = (url: string) => SOURCE.test(url);

/** A package (node_modules/x), a CALOS source file, a Node module, or V8 itself (GC, native). */
function placeOf({ url, functionName }: CallFrame): string {
  if (url === '') return functionName.startsWith('(') ? functionName : 'V8 / native';
  const packageName = PACKAGE.exec(url)?.[1];
  if (packageName) return packageName;
  const source = SOURCE.exec(url)?.[1];
  if (source) return source;
  return url;
}
