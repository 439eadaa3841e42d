// Where a list request's CPU goes, from a V8 .cpuprofile, in the few steps every list request
// takes, so that the app and the bare baseline can be put side by side. Each sample is charged to
// the first step (in the order of STEPS) that any frame of its stack belongs to: time inside the
// response serialiser counts as serialising even where it runs ajv (and so does Fastify's
// Buffer.byteLength of the result, which flattens the string), a socket write made by pg
// counts for the PostgreSQL client, and the app's service code counts only for what it does
// itself, not for the queries it awaits.
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

interface Step {
  name: string;
  /** Whether a sample with this stack (leaf first) belongs to the step. */
  matches: (stack: readonly CallFrame[]) => boolean;
}

/** A step that any one frame of the stack identifies. */
const anyFrame =
  (test: (frame: CallFrame) => boolean) =>
  (stack: readonly CallFrame[]): boolean =>
    stack.some(test);

/** Fastify measures the serialised payload (Buffer.byteLength) before writing it: part of serialising. */
const isPayloadLength = (stack: readonly CallFrame[]) => {
  const at = stack.findIndex((f) => f.functionName === 'byteLength' && f.url === 'node:buffer');
  return at >= 0 && stack[at + 1]?.functionName === 'onSendEnd';
};

const PG =
  /node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-array|postgres-date|postgres-interval|postgres-bytea)\//;

export const STEPS: readonly Step[] = [
  {
    name: 'the profiler itself',
    matches: anyFrame((f) => f.url === 'node:inspector' || f.url.endsWith('bench/load/server-process.ts')),
  },
  {
    name: 'serialising the answer (fast-json-stringify or JSON.stringify, then its byte length)',
    matches: (stack) =>
      isPayloadLength(stack) ||
      stack.some(
        (f) =>
          (f.functionName === 'serialize' && f.url.endsWith('fastify/lib/reply.js')) ||
          f.url.includes('/fast-json-stringify/'),
      ),
  },
  {
    name: 'token verification (guard, jose)',
    matches: anyFrame((f) => f.url.includes('/src/platform/auth/') || f.url.includes('/node_modules/jose/')),
  },
  {
    name: 'request validation (ajv: query string, params)',
    matches: anyFrame((f) => f.url.endsWith('fastify/lib/validation.js')),
  },
  { name: 'PostgreSQL client (pg: send, parse rows)', matches: anyFrame((f) => PG.test(f.url)) },
  {
    // Not the platform's HTTP hooks (src/platform/http): callback hooks call the next one from
    // inside themselves, so one is on the stack of nearly everything that follows (HTTP below).
    name: "the app's code (service, store, views, page)",
    matches: anyFrame((f) => f.url.includes('/src/') && !f.url.includes('/src/platform/http/')),
  },
  {
    name: "the baseline's code (rows to items, page)",
    matches: anyFrame((f) => f.url.includes('/bench/api/')),
  },
  {
    name: 'HTTP (fastify routing and hooks, node:http, sockets)',
    matches: anyFrame(
      (f) =>
        f.url.includes('/node_modules/fastify/') ||
        f.url.includes('/src/platform/http/') ||
        f.url.includes('/node_modules/find-my-way/') ||
        f.url.startsWith('node:_http') ||
        f.url === 'node:net' ||
        f.url.startsWith('node:internal/streams') ||
        f.url === 'node:internal/stream_base_commons',
    ),
  },
  { name: 'garbage collection', matches: anyFrame((f) => f.functionName === '(garbage collector)') },
];

export const OTHER = 'other (V8, Node internals, idle bookkeeping)';

/** Milliseconds of busy main-thread time per step (idle excluded), and in all. */
export function timeBySteps(file: string): { busyMs: number; byStep: Map<string, number> } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });

  const byStep = new Map<string, number>();
  let busyMs = 0;
  for (const [id, micros] of selfMicros) {
    if (frames.get(id)?.functionName === '(idle)') continue;
    const stack: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const frame = frames.get(at);
      if (frame) stack.push(frame);
    }
    const step = STEPS.find((s) => s.matches(stack))?.name ?? OTHER;
    byStep.set(step, (byStep.get(step) ?? 0) + micros / 1000);
    busyMs += micros / 1000;
  }
  return { busyMs, byStep };
}
