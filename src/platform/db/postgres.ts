// PostgreSQL engine through `pg` pools. Creates its database on first use when missing.
import pg from 'pg';
import type { DatabaseName } from '../databases.ts';
import { type AppError, PlatformErrors } from '../errors.ts';
import { type Database, type Queryable, type QueryResult, type Session, sharedParsers } from './database.ts';

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    sharedParsers[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PostgresOptions {
  url: string;
  maintenanceUrl: string;
  database: string;
  poolSize?: number;
  /** Create the database when it does not exist (CALOS_POSTGRES_URL and per-database URLs). */
  createIfMissing?: boolean;
}

export async function openPostgres(name: DatabaseName, options: PostgresOptions): Promise<Database> {
  if (options.createIfMissing !== false) await ensureDatabaseExists(options);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types,
    application_name: `calos:${name}`,
  });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return new PostgresDatabase(name, pool, options.url);
}

export async function ensureDatabaseExists(options: Pick<PostgresOptions, 'maintenanceUrl' | 'database'>) {
  const client = new pg.Client({ connectionString: options.maintenanceUrl });
  try {
    await client.connect();
  } catch (error) {
    throw connectionError(options.database, error);
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(options.database)}`).catch((error) => {
        // Another process created it between our check and our CREATE.
        if (!['42P04', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
      });
    }
  } finally {
    await client.end();
  }
}

function connectionError(database: string, error: unknown): AppError {
  const reason = error instanceof Error ? error.message : String(error);
  return PlatformErrors.databaseUnreachable(database, reason);
}

const wrapClient = (client: pg.PoolClient | pg.Client): Queryable => ({
  query: async <Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> => {
    const result = await client.query(sql, params as unknown[] | undefined);
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
  },
  execScript: async (sql: string) => {
    await client.query(sql);
  },
});

async function runTransaction<T>(client: pg.PoolClient, work: (tx: Queryable) => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work(wrapClient(client));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

class PostgresDatabase implements Database {
  readonly engine = 'postgres' as const;
  #listener: pg.Client | undefined;
  #listenerReady: Promise<pg.Client> | undefined;
  readonly #handlers = new Map<string, Set<(payload: string) => void>>();
  #closed = false;

  constructor(
    readonly name: DatabaseName,
    private readonly pool: pg.Pool,
    private readonly url: string,
  ) {}

  async query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<Row>> {
    const result = await this.pool.query(sql, params as unknown[] | undefined);
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
  }

  async execScript(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.withSession((session) => session.transaction(work));
  }

  async withSession<T>(work: (session: Session) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      return await work({
        ...wrapClient(client),
        transaction: (inner) => runTransaction(client, inner),
      });
    } catch (error) {
      // A connection in an unknown state (e.g. holding a session lock) is not returned to the pool.
      broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    const client = await this.#listenerClient();
    let handlers = this.#handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    }
    handlers.add(onPayload);
    return async () => {
      const set = this.#handlers.get(channel);
      set?.delete(onPayload);
      if (set && set.size === 0) {
        this.#handlers.delete(channel);
        await this.#listener?.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
      }
    };
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  /** One connection holds every LISTEN of this database; it reconnects and re-listens if lost. */
  #listenerClient(): Promise<pg.Client> {
    if (this.#listenerReady) return this.#listenerReady;
    this.#listenerReady = (async () => {
      const client = new pg.Client({
        connectionString: this.url,
        application_name: `calos:${this.name}:listen`,
      });
      client.on('notification', (message) => {
        for (const handler of this.#handlers.get(message.channel) ?? []) handler(message.payload ?? '');
      });
      client.on('error', () => this.#reconnectListener(client));
      client.on('end', () => this.#reconnectListener(client));
      await client.connect();
      for (const channel of this.#handlers.keys())
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      this.#listener = client;
      return client;
    })();
    this.#listenerReady.catch(() => {
      this.#listenerReady = undefined;
    });
    return this.#listenerReady;
  }

  #reconnectListener(lost: pg.Client) {
    if (this.#closed || this.#listener !== lost) return;
    this.#listener = undefined;
    this.#listenerReady = undefined;
    const retry = (delay: number) =>
      setTimeout(() => {
        if (this.#closed) return;
        this.#listenerClient().catch(() => retry(Math.min(delay * 2, 5000)));
      }, delay).unref();
    retry(100);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.pool.end();
  }
}
