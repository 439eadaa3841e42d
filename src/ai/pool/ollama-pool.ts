// The pool of Ollama instances: which models each has and has loaded (read by a health loop
// from /api/version, /api/tags and /api/ps), how busy each is, and which ones are cooling down
// after a failure. Requests lease an instance: only one that has the model, preferring the
// fewest requests in flight and, among equals, one with the model already loaded. When every
// candidate is at its cap, requests wait in a bounded queue; past that, 503 with Retry-After.
import type { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { AiErrors } from '../errors.ts';
import { normalizeOllamaModel } from '../providers/registry.ts';

export interface PoolOptions {
  hosts: string[];
  maxConcurrencyPerInstance: number;
  queueSize: number;
  queueTimeoutMs: number;
  cooldownMs: number;
  healthIntervalMs: number;
  logger: Logger;
  /** Probe timeout for the health loop. */
  probeTimeoutMs?: number;
}

export interface InstanceState {
  url: string;
  healthy: boolean;
  /** performance.now() until which the instance gets no traffic after a failure (it is probed before that ends). */
  coolingUntil: number;
  version: string | null;
  models: Set<string>;
  loaded: Set<string>;
  inFlight: number;
  served: number;
  failures: number;
  lastError: string | null;
  lastProbeAt: number;
}

export interface Lease {
  instance: InstanceState;
  /** The request is over (success or a failure that was not the instance's fault). */
  release(): void;
  /** The instance failed: cool it down, and release. */
  fail(reason: string): void;
}

interface Waiter {
  model: string;
  exclude: ReadonlySet<string>;
  resolve(lease: Lease): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const NONE: ReadonlySet<string> = new Set();

/** How often a probe's timeout looks at the time that passed (see runningTimeout). */
const TIMEOUT_TICK_MS = 100;

/**
 * An abort signal that fires after `ms` of time in which this process ran. A stretch in which its
 * event loop did not run (a long synchronous task, a machine too busy to schedule it) counts for
 * one tick only: an answer that came in meanwhile is waiting to be read, and a plain timer would
 * fire before it is, taking a healthy instance out of the pool for the process's own slowness.
 */
export function runningTimeout(ms: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  let counted = 0;
  let last = performance.now();
  let timer: NodeJS.Timeout;
  const arm = () => {
    timer = setTimeout(tick, Math.min(TIMEOUT_TICK_MS, ms - counted));
    timer.unref();
  };
  const tick = () => {
    const now = performance.now();
    counted += Math.min(now - last, TIMEOUT_TICK_MS);
    last = now;
    if (counted >= ms) controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError'));
    else arm();
  };
  arm();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

export class OllamaPool {
  readonly instances: InstanceState[];
  readonly #options: PoolOptions;
  readonly #waiters: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;
  #probing: Promise<void> | undefined;

  constructor(options: PoolOptions) {
    this.#options = options;
    this.instances = options.hosts.map((url) => ({
      url,
      healthy: false,
      coolingUntil: 0,
      version: null,
      models: new Set(),
      loaded: new Set(),
      inFlight: 0,
      served: 0,
      failures: 0,
      lastError: null,
      lastProbeAt: 0,
    }));
  }

  start(): void {
    const loop = () => {
      this.probeAll().finally(() => {
        this.#timer = setTimeout(loop, this.#options.healthIntervalMs);
        this.#timer.unref();
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#probing?.catch(() => undefined);
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(AiErrors.gatewayStopping());
    }
  }

  /** Reads every instance's state now (also what the loop does on each tick). */
  probeAll(): Promise<void> {
    this.#probing ??= Promise.all(this.instances.map((instance) => this.#probe(instance)))
      .then(() => undefined)
      .finally(() => {
        this.#probing = undefined;
        this.#serveWaiters();
      });
    return this.#probing;
  }

  async #probe(instance: InstanceState): Promise<void> {
    const timeout = runningTimeout(this.#options.probeTimeoutMs ?? 2000);
    const get = async (path: string) => {
      const response = await fetch(`${instance.url}${path}`, { signal: timeout.signal });
      if (!response.ok) throw new Error(`${path} answered ${response.status}`);
      return (await response.json()) as Record<string, unknown>;
    };
    try {
      const [version, tags, ps] = await Promise.all([get('/api/version'), get('/api/tags'), get('/api/ps')]);
      const names = (list: unknown) =>
        new Set(
          (Array.isArray(list) ? list : [])
            .map((m) => (m as { name?: unknown; model?: unknown }).name ?? (m as { model?: unknown }).model)
            .filter((n): n is string => typeof n === 'string')
            .map(normalizeOllamaModel),
        );
      const wasHealthy = this.isAvailable(instance);
      instance.version = typeof version.version === 'string' ? version.version : null;
      instance.models = names(tags.models);
      instance.loaded = names(ps.models);
      instance.healthy = true;
      instance.lastError = null;
      // A successful probe ends a cool-down early: the instance has proven it answers again.
      instance.coolingUntil = 0;
      if (!wasHealthy) this.#options.logger.info({ instance: instance.url }, 'ollama instance is healthy');
    } catch (error) {
      if (instance.healthy) {
        this.#options.logger.warn(
          { instance: instance.url, err: error },
          'ollama instance failed its health check',
        );
      }
      instance.healthy = false;
      instance.lastError = (error as Error).message;
    } finally {
      timeout.clear();
      instance.lastProbeAt = performance.now();
    }
  }

  /** Instances that may take traffic now. */
  available(): InstanceState[] {
    return this.instances.filter((i) => this.isAvailable(i));
  }

  /** Healthy and not cooling down. Cool-downs are durations: measured on the monotonic clock. */
  isAvailable(instance: InstanceState): boolean {
    return instance.healthy && instance.coolingUntil <= performance.now();
  }

  /** Every model any available instance has. */
  models(): Set<string> {
    return new Set(this.available().flatMap((i) => [...i.models]));
  }

  /** Whether an available instance has `model` (what models().has asks, without building the set). */
  hasModel(model: string): boolean {
    const now = performance.now();
    for (const instance of this.instances)
      if (instance.healthy && instance.coolingUntil <= now && instance.models.has(model)) return true;
    return false;
  }

  /** Leases an instance for `model`, waiting in the queue when all candidates are busy. */
  acquire(modelName: string, exclude: ReadonlySet<string> = NONE, signal?: AbortSignal): Promise<Lease> {
    const model = normalizeOllamaModel(modelName);
    // The common case first: a free candidate. Only without one are the reasons worked out.
    const free = this.#tryLease(model, exclude);
    if (free) return Promise.resolve(free);
    const candidates = this.available().filter((i) => i.models.has(model) && !exclude.has(i.url));
    if (candidates.length === 0) {
      if (this.available().length === 0) {
        return Promise.reject(
          AiErrors.ollamaUnreachable(
            this.instances.map((i) => i.url),
            Math.ceil(this.#options.healthIntervalMs / 1000) || 1,
          ),
        );
      }
      const anywhere = this.instances.some((i) => i.models.has(model));
      if (!anywhere) {
        return Promise.reject(AiErrors.modelNotFound(model));
      }
      return Promise.reject(
        AiErrors.noInstanceAvailable(model, Math.ceil(this.#options.cooldownMs / 1000) || 1),
      );
    }
    if (this.#waiters.length >= this.#options.queueSize) {
      return Promise.reject(this.#saturated(model));
    }
    return new Promise<Lease>((resolve, reject) => {
      const leave = (error: Error) => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        clearTimeout(waiter.timer);
        reject(error);
      };
      const waiter: Waiter = {
        model,
        exclude,
        resolve: (lease) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(lease);
        },
        reject,
        timer: setTimeout(() => leave(this.#saturated(model)), this.#options.queueTimeoutMs),
      };
      // A client that leaves while queued gives its place up.
      const onAbort = () => leave(AiErrors.clientClosed());
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #saturated(model: string): AppError {
    return AiErrors.poolSaturated(model);
  }

  /**
   * Fewest requests in flight first; among equals, one that has the model loaded; then the one
   * that has served fewest, so that ties do not always fall to the first instance listed.
   */
  #better(candidate: InstanceState, best: InstanceState, model: string): boolean {
    if (candidate.inFlight !== best.inFlight) return candidate.inFlight < best.inFlight;
    const loaded = candidate.loaded.has(model);
    if (loaded !== best.loaded.has(model)) return loaded;
    return candidate.served < best.served;
  }

  #tryLease(model: string, exclude: ReadonlySet<string>): Lease | undefined {
    const now = performance.now();
    let best: InstanceState | undefined;
    for (const instance of this.instances) {
      if (!instance.healthy || instance.coolingUntil > now || exclude.has(instance.url)) continue;
      if (!instance.models.has(model) || instance.inFlight >= this.#options.maxConcurrencyPerInstance)
        continue;
      if (!best || this.#better(instance, best, model)) best = instance;
    }
    if (!best) return undefined;
    const instance = best;
    instance.inFlight++;
    // The model will be loaded there once the request runs.
    instance.loaded.add(model);
    let done = false;
    const finish = () => {
      if (done) return false;
      done = true;
      instance.inFlight--;
      return true;
    };
    return {
      instance,
      release: () => {
        if (!finish()) return;
        instance.served++;
        this.#serveWaiters();
      },
      fail: (reason: string) => {
        if (!finish()) return;
        instance.failures++;
        instance.lastError = reason;
        instance.coolingUntil = performance.now() + this.#options.cooldownMs;
        this.#options.logger.warn({ instance: instance.url, reason }, 'ollama instance failed; cooling down');
        this.#serveWaiters();
      },
    };
  }

  #serveWaiters(): void {
    for (let i = 0; i < this.#waiters.length; ) {
      const waiter = this.#waiters[i] as Waiter;
      const lease = this.#tryLease(waiter.model, waiter.exclude);
      if (!lease) {
        i++;
        continue;
      }
      this.#waiters.splice(i, 1);
      clearTimeout(waiter.timer);
      waiter.resolve(lease);
    }
  }
}
