// One interface over both engines (embedded PGlite and PostgreSQL), so stores, the migrator
// and tests never care which one runs underneath.
import type { DatabaseName } from '../databases.ts';

export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface Queryable {
  /** One statement, with $1… parameters. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** A script of several statements, without parameters (migrations). */
  execScript(sql: string): Promise<void>;
}

export interface Session extends Queryable {
  /** Runs `work` between BEGIN and COMMIT; any error rolls back and is rethrown. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
}

export type Engine = 'pglite' | 'postgres';

export interface Database extends Session {
  readonly name: DatabaseName;
  readonly engine: Engine;
  /**
   * Runs `work` on one dedicated connection (session-level locks, several transactions in a
   * row). On PGlite this holds the single session: do not use the Database itself inside.
   */
  withSession<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /** Subscribes to NOTIFY on `channel`; resolves once listening, returns an unsubscribe. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

/** Serialises async work: each call starts when the previous one has settled. */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work, work);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Type parsers both engines share, so rows look the same whichever engine produced them. */
export const TYPE_OIDS = { int8: 20, numeric: 1700, date: 1082 } as const;
export const sharedParsers: Record<number, (value: string) => unknown> = {
  // Counts and balances fit in a double; returning strings would leak into every caller.
  [TYPE_OIDS.int8]: (value) => Number(value),
  [TYPE_OIDS.numeric]: (value) => Number(value),
  // A DATE is a calendar day, not an instant: keep 'YYYY-MM-DD' rather than a midnight Date.
  [TYPE_OIDS.date]: (value) => value,
};
