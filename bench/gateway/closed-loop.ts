// A closed-loop load generator: N clients, each on its own keep-alive connection, send the next
// request as soon as the last answer has ended. Per request it records, at sub-millisecond
// resolution, the time to the first complete line of the body (first token of an NDJSON stream)
// and to the end of the answer. autocannon only resolves 1 ms, too coarse for the gateway's aim.
import { Pool } from 'undici';
import { type Percentiles, percentilesOf } from '../load/percentiles.ts';

export interface LoadSpec {
  origin: string;
  path: string;
  clients: number;
  warmupSeconds: number;
  seconds: number;
  /** Headers of the n-th request (e.g. rotating over many users' tokens). */
  headers: (n: number) => Record<string, string>;
  body: string;
  /** Bytes every complete answer ends near (default: Ollama's `"done":true`). */
  completeMarker?: string;
}

export interface LoadResult {
  /** Answers to requests sent inside the measured window, per second of it. */
  requestsPerSecond: number;
  total: number;
  /** Every answer, warm-up included (what the server did in all). */
  answers: number;
  whole: Percentiles;
  firstLine: Percentiles;
}

const NEWLINE = 0x0a;
/** How much of an answer's end is kept to look for the marker. */
const TAIL_BYTES = 1024;

export async function runClosedLoop(spec: LoadSpec): Promise<LoadResult> {
  const pool = new Pool(spec.origin, {
    connections: spec.clients,
    pipelining: 1,
    keepAliveTimeout: 60_000,
  });
  const marker = Buffer.from(spec.completeMarker ?? '"done":true');
  const whole: number[] = [];
  const firstLine: number[] = [];
  const failures = new Map<string, number>();
  const fail = (reason: string) => failures.set(reason, (failures.get(reason) ?? 0) + 1);
  const measureFrom = performance.now() + spec.warmupSeconds * 1000;
  const measureUntil = measureFrom + spec.seconds * 1000;
  let n = 0;
  let answers = 0;

  const client = async () => {
    while (performance.now() < measureUntil) {
      const sent = performance.now();
      let firstLineAt: number | undefined;
      let tail = Buffer.alloc(0);
      try {
        const { statusCode, body } = await pool.request({
          method: 'POST',
          path: spec.path,
          headers: { 'content-type': 'application/json', ...spec.headers(n++) },
          body: spec.body,
        });
        for await (const chunk of body as AsyncIterable<Buffer>) {
          if (firstLineAt === undefined && chunk.includes(NEWLINE)) firstLineAt = performance.now();
          tail = Buffer.concat([tail, chunk]).subarray(-TAIL_BYTES);
        }
        const ended = performance.now();
        answers += 1;
        if (statusCode !== 200) {
          fail(`HTTP ${statusCode}: ${tail.toString('utf8').slice(0, 200)}`);
          continue;
        }
        if (!tail.includes(marker)) {
          fail(`an answer without ${marker.toString()}`);
          continue;
        }
        if (sent < measureFrom) continue;
        whole.push(ended - sent);
        firstLine.push((firstLineAt ?? ended) - sent);
      } catch (error) {
        fail((error as Error).message);
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: spec.clients }, client));
  } finally {
    await pool.close();
  }
  if (failures.size > 0) {
    const list = [...failures].map(([reason, times]) => `${times}× ${reason}`).join('; ');
    throw new Error(`${spec.origin}${spec.path} with ${spec.clients} clients: ${list}`);
  }
  return {
    requestsPerSecond: whole.length / spec.seconds,
    total: whole.length,
    answers,
    whole: percentilesOf(whole),
    firstLine: percentilesOf(firstLine),
  };
}
