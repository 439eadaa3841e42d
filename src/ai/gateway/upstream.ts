// Reaching an upstream for a call: an Ollama instance of the pool that has the model (another
// one while nothing has reached the client, when one fails or breaks off before its first item)
// or the provider's API, waiting for the first item under the first-byte timeout.
import type { Lease } from '../pool/ollama-pool.ts';
import { type ProviderTarget, UpstreamError } from '../providers/types.ts';
import type { GatewayDeps } from './deps.ts';
import type { Route } from './route.ts';

export interface Attempt<Item> {
  /** The pool's lease (Ollama), to release or fail when the call ends. */
  lease: Lease | undefined;
  iterator: AsyncIterator<Item>;
  first: IteratorResult<Item>;
}

/**
 * Starts `start` on a target and waits for its first item, retrying other instances meanwhile;
 * throws the last error when no upstream gave a first item.
 */
export async function reachUpstream<Item>(
  deps: GatewayDeps,
  route: Route,
  signal: AbortSignal,
  start: (target: ProviderTarget, signal: AbortSignal) => AsyncIterable<Item>,
): Promise<Attempt<Item>> {
  const tried = new Set<string>();
  for (;;) {
    let lease: Lease | undefined;
    try {
      let target: ProviderTarget;
      if (route.provider === 'ollama') {
        lease = await deps.pool.acquire(route.model, tried, signal);
        target = { baseUrl: lease.instance.url };
      } else {
        target = { baseUrl: deps.config.providerUrls[route.provider], apiKey: route.apiKey };
      }
      // Each attempt has its own signal: a timed-out attempt is cancelled upstream too.
      const attempt = new AbortController();
      const abortAttempt = () => attempt.abort();
      signal.addEventListener('abort', abortAttempt, { once: true });
      const iterator = start(target, attempt.signal)[Symbol.asyncIterator]();
      const first = await withTimeout(iterator.next(), deps.config.firstByteTimeoutMs, signal, abortAttempt);
      return { lease, iterator, first };
    } catch (error) {
      const upstream = lease?.instance.url ?? route.provider;
      if (error instanceof UpstreamError) deps.metrics.upstreamFailures.inc({ upstream, kind: error.kind });
      // Before the first item nothing has reached the client, so a connection that broke off
      // counts like one that never answered: another instance may take the request.
      const retryable =
        error instanceof UpstreamError &&
        (error.isRetryable || error.kind === 'broken_stream') &&
        !signal.aborted;
      if (!lease) throw error;
      if (retryable) lease.fail(error instanceof Error ? error.message : String(error));
      else lease.release();
      tried.add(lease.instance.url);
      if (!retryable) throw error;
    }
  }
}

function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  signal: AbortSignal,
  onTimeout: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      reject(new UpstreamError(`No answer within ${ms} ms`, 'timeout'));
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new UpstreamError('The client closed the request', 'unreachable'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
