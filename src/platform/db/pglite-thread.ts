// PGlite in a worker thread (pglite-worker.mjs), seen from the main thread as the few calls the
// embedded Database makes of PGlite: query, exec, transaction, listen, close. Every call is one
// message each way, so the WASM work of a usage-log write or an identity read runs beside the
// event loop instead of stalling every request in flight.
import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL('./pglite-worker.mjs', import.meta.url);

export interface EmbeddedResult {
  rows: unknown[];
  affectedRows?: number;
}

/** What a transaction's work may call: PGlite's `Transaction`, or its image in another thread. */
export interface EmbeddedQueryable {
  query(sql: string, params?: unknown[]): Promise<EmbeddedResult>;
  exec(sql: string): Promise<unknown>;
}

/** The calls the embedded Database makes of PGlite, whichever thread PGlite runs on. */
export interface EmbeddedConnection extends EmbeddedQueryable {
  transaction<T>(work: (tx: EmbeddedQueryable) => Promise<T>): Promise<T>;
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'failed'; error: ErrorFields }
  | { type: 'result'; id: number; result?: unknown; error?: ErrorFields }
  | { type: 'notification'; listenerId: number; payload: string };

type ErrorFields = { message: string; name: string } & Record<string, string | number | boolean | null>;

/** An error from the worker, with the Postgres fields (code, constraint, detail…) callers check. */
const rebuildError = (fields: ErrorFields): Error => {
  const { message, name, ...rest } = fields;
  const error = new Error(message);
  error.name = name;
  return Object.assign(error, rest);
};

export class PgliteThread implements EmbeddedConnection {
  readonly #worker: Worker;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  readonly #listeners = new Map<number, (payload: string) => void>();
  #nextId = 1;
  #failure: Error | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    // Idle, the worker does not keep the process alive (as PGlite on the main thread does not);
    // while a call is out, it does, so a command awaiting its last query does not exit early.
    worker.unref();
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'result') this.#settle(message);
      else if (message.type === 'notification') this.#listeners.get(message.listenerId)?.(message.payload);
    });
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) =>
      this.#fail(new Error(`the embedded database's worker exited (code ${code})`)),
    );
  }

  /** Starts a worker and opens the cluster in `dir` there. */
  static start(dir: string, startParams: readonly string[]): Promise<PgliteThread> {
    const worker = new Worker(WORKER_URL, { workerData: { dir, startParams: [...startParams] } });
    return new Promise((resolve, reject) => {
      const onExit = (code: number) =>
        reject(new Error(`the embedded database's worker exited (code ${code})`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (message: WorkerMessage) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        if (message.type === 'ready') resolve(new PgliteThread(worker));
        else {
          reject(message.type === 'failed' ? rebuildError(message.error) : new Error('unexpected message'));
          void worker.terminate();
        }
      });
    });
  }

  #call<T>(op: string, fields: Record<string, unknown>): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    if (this.#pending.size === 0) this.#worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.postMessage({ op, id, ...fields });
    });
  }

  #settle(message: Extract<WorkerMessage, { type: 'result' }>) {
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (message.error) pending.reject(rebuildError(message.error));
    else pending.resolve(message.result);
  }

  #fail(error: Error) {
    this.#failure ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  query(sql: string, params?: unknown[]): Promise<EmbeddedResult> {
    return this.#call('query', { sql, params });
  }

  exec(sql: string): Promise<void> {
    return this.#call('exec', { sql });
  }

  /** BEGIN … COMMIT, as PGlite's own transaction runs them; the caller keeps others out meanwhile. */
  async transaction<T>(work: (tx: EmbeddedQueryable) => Promise<T>): Promise<T> {
    await this.exec('BEGIN');
    let result: T;
    try {
      result = await work({ query: (sql, params) => this.query(sql, params), exec: (sql) => this.exec(sql) });
    } catch (error) {
      await this.exec('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await this.exec('COMMIT');
    return result;
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    const listenerId = this.#nextId++;
    this.#listeners.set(listenerId, onPayload);
    try {
      await this.#call('listen', { channel, listenerId });
    } catch (error) {
      this.#listeners.delete(listenerId);
      throw error;
    }
    return async () => {
      this.#listeners.delete(listenerId);
      await this.#call('unlisten', { listenerId });
    };
  }

  async close(): Promise<void> {
    try {
      if (!this.#failure) await this.#call('close', {});
    } finally {
      this.#failure ??= new Error('the embedded database is closed');
      await this.#worker.terminate();
    }
  }
}
