// One autocannon run against a URL, with per-request headers and bodies (e.g. rotating over
// many users' tokens), summarised; any non-2xx answer, error or timeout fails the benchmark.
import autocannon from 'autocannon';

export interface CannonSpec {
  url: string;
  method?: 'GET' | 'POST';
  connections: number;
  seconds: number;
  /** Headers and body of the n-th request. */
  request: (n: number) => { headers?: Record<string, string>; body?: string };
}

export interface CannonResult {
  requestsPerSecond: number;
  total: number;
  /** Milliseconds, at autocannon's 1 ms resolution. */
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
}

export async function runAutocannon(spec: CannonSpec): Promise<CannonResult> {
  let n = 0;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    timeout: 30,
    requests: [
      {
        method: spec.method ?? 'GET',
        setupRequest: (request) => {
          const { headers, body } = spec.request(n++);
          return {
            ...request,
            headers: { ...request.headers, ...headers },
            ...(body === undefined ? {} : { body }),
          };
        },
      },
    ],
  });
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) {
    const statuses = Object.entries(result.statusCodeStats)
      .map(([status, { count }]) => `${count}× ${status}`)
      .join(', ');
    throw new Error(
      `${spec.url}: ${result.non2xx} non-2xx answers (${statuses}), ${result.errors} errors and ${result.timeouts} timeouts`,
    );
  }
  return {
    requestsPerSecond: result.requests.total / result.duration,
    total: result.requests.total,
    latency: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      average: result.latency.average,
    },
  };
}
