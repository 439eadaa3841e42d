// Embedded engine: one PGlite (Postgres in WASM) per logical database, in its own folder, on a
// worker thread of its own (pglite-thread.ts) or on the main thread. PGlite has a single session,
// so every query and transaction goes through one mutex: requests queue instead of interleaving
// inside each other's transactions.
import { AsyncLocalStorage } from 'node:async_hooks';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { DatabaseName } from '../databases.ts';
import {
  type Database,
  Mutex,
  type Queryable,
  type QueryResult,
  type Session,
  sharedParsers,
} from './database.ts';
import {
  type EmbeddedConnection,
  type EmbeddedQueryable,
  type EmbeddedResult,
  PgliteThread,
} from './pglite-thread.ts';

/**
 * Where PGlite's WASM runs. 'main': in the calling thread (the default; calos split's COPY needs
 * it). 'worker': a worker thread per database, so the event loop only posts messages, at the
 * price of a copy of every statement and result between threads and more memory. With the usage
 * log batched, bench:gateway could not tell the two apart (docs/benchmarks.md, AI gateway).
 */
export type PgliteThreadMode = 'worker' | 'main';

/**
 * PostgreSQL's default 128 MB of shared buffers is zeroed inside the WASM heap of every embedded
 * database: four of them held 844 MB of memory and spent 1.05 s of CPU each opening. At 32 MB
 * they hold 358 MB and open in 0.71 s (measured on four fresh clusters); the
 * operating system's file cache sits behind the buffers either way.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];

export async function openPglite(
  name: DatabaseName,
  dir: string,
  thread: PgliteThreadMode = 'main',
): Promise<Database> {
  mkdirSync(dir, { recursive: true });
  if (thread === 'worker') return new PgliteDatabase(name, await PgliteThread.start(dir, START_PARAMS));
  const pg = await PGlite.create(dir, { parsers: sharedParsers, startParams: START_PARAMS });
  const database = new PgliteDatabase(name, pg);
  instances.set(database, pg);
  return database;
}

const instances = new WeakMap<Database, PGlite>();

/** Whether a folder already holds a PGlite cluster (initdb has run there). */
export const isPgliteCluster = (dir: string): boolean => existsSync(path.join(dir, 'PG_VERSION'));

/**
 * Makes a cluster in each of these empty folders with one initdb and copies of it: initdb takes
 * seconds of CPU, a copy a fraction of that, so a first start with four databases is much faster.
 */
export async function initPgliteClusters(dirs: readonly string[], scratchParent: string): Promise<void> {
  const fresh = dirs.filter((dir) => !isPgliteCluster(dir));
  if (fresh.length < 2) return;
  mkdirSync(scratchParent, { recursive: true });
  const scratch = mkdtempSync(path.join(scratchParent, '.initdb-'));
  try {
    const template = path.join(scratch, 'cluster');
    await (await PGlite.create(template)).close();
    for (const dir of fresh) {
      mkdirSync(path.dirname(dir), { recursive: true });
      // An empty folder may be there already: the copy fills it.
      cpSync(template, dir, { recursive: true });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The PGlite instance under an embedded Database on the main thread, for bulk loads with
 * COPY … FROM '/dev/blob' (calos split). Use it only inside `db.withSession`, which keeps every
 * other query out. Undefined for a database on a worker thread.
 */
export const pgliteOf = (database: Database): PGlite | undefined => instances.get(database);

const toResult = <Row>(result: EmbeddedResult): QueryResult<Row> => ({
  rows: result.rows as Row[],
  rowCount: result.rows.length > 0 ? result.rows.length : (result.affectedRows ?? 0),
});

const wrapTransaction = (tx: EmbeddedQueryable): Queryable => ({
  query: async <Row>(sql: string, params?: readonly unknown[]) =>
    toResult<Row>(await tx.query(sql, params ? [...params] : undefined)),
  execScript: async (sql: string) => {
    await tx.exec(sql);
  },
});

/**
 * The embedded databases the current call chain holds (inside their transaction or session).
 * Node 20's AsyncLocalStorage hooks every promise of the process while it is enabled, so it is
 * enabled only while some transaction or session runs a caller's code (the only place a nested
 * use can come from) and disabled again when the last one ends: a plain query, the gateway's
 * whole request path, then costs no hook.
 */
const holding = new AsyncLocalStorage<ReadonlyMap<PgliteDatabase, { active: boolean }>>();
/** Transactions and sessions running a caller's code now, over every embedded database. */
let holders = 0;

/**
 * A query on the database itself from inside its own transaction: on PGlite's one connection it
 * would wait for that transaction, which waits for it, forever. Thrown at once instead.
 */
export class NestedDatabaseUseError extends Error {
  constructor(name: string) {
    super(
      `${name}: a query on the database from inside its own transaction would wait forever on the embedded ` +
        'engine; run it through the transaction handle (tx), or after the transaction',
    );
    this.name = 'NestedDatabaseUseError';
  }
}

class PgliteDatabase implements Database {
  readonly engine = 'pglite' as const;
  readonly #mutex = new Mutex();
  readonly #session: Session;

  /**
   * Runs work alone on the connection. Work that runs a caller's code (a transaction, a session)
   * marks this call chain as the holder meanwhile, so that a nested use is refused at once.
   */
  #exclusive<T>(work: () => Promise<T>, runsCallerCode = false): Promise<T> {
    if (holding.getStore()?.get(this)?.active) return Promise.reject(new NestedDatabaseUseError(this.name));
    if (!runsCallerCode) return this.#mutex.run(work);
    return this.#mutex.run(async () => {
      const mark = { active: true };
      const held = new Map(holding.getStore() ?? []);
      held.set(this, mark);
      holders += 1;
      try {
        return await holding.run(held, work);
      } finally {
        // Work the transaction started but did not wait for may query later, as anyone may.
        mark.active = false;
        holders -= 1;
        if (holders === 0) holding.disable();
      }
    });
  }

  constructor(
    readonly name: DatabaseName,
    private readonly pg: EmbeddedConnection,
  ) {
    this.#session = {
      query: async <Row>(sql: string, params?: readonly unknown[]) =>
        toResult<Row>(await pg.query(sql, params ? [...params] : undefined)),
      execScript: async (sql: string) => {
        await pg.exec(sql);
      },
      transaction: <T>(work: (tx: Queryable) => Promise<T>) =>
        pg.transaction((tx) => work(wrapTransaction(tx))),
    };
  }

  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
    return this.#exclusive(() => this.#session.query<Row>(sql, params));
  }

  execScript(sql: string): Promise<void> {
    return this.#exclusive(() => this.#session.execScript(sql));
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#exclusive(() => this.#session.transaction(work), true);
  }

  withSession<T>(work: (session: Session) => Promise<T>): Promise<T> {
    return this.#exclusive(() => work(this.#session), true);
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    // A notification is delivered while some query holds the connection; its listener is not
    // part of that query's work and waits its turn like any other caller.
    const deliver = (payload: string) => holding.exit(() => onPayload(payload));
    const unlisten = await this.#exclusive(() => this.pg.listen(channel, deliver));
    return () => this.#exclusive(() => unlisten());
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  close(): Promise<void> {
    return this.#exclusive(() => this.pg.close());
  }
}
