// The DBPoolManager of the design document: one Database per logical name, opened from the
// configuration, reached with get(name), closed together with closeAll().
import type { DatabaseTarget } from '../config.ts';
import { DATABASE_NAMES, type DatabaseName } from '../databases.ts';
import { type DataDirLock, lockDataDir, type ServerAnnouncement } from './data-dir-lock.ts';
import type { Database } from './database.ts';
import { initPgliteClusters, openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

export interface PoolManagerOptions {
  databases: Record<DatabaseName, DatabaseTarget>;
  dataDir: string;
  /** Which databases this process opens; `calos serve hollowtown` opens only its own. */
  names?: readonly DatabaseName[];
  poolSize?: number;
}

export class DBPoolManager {
  readonly #pools = new Map<DatabaseName, Database>();
  #lock: DataDirLock | undefined;
  /** A view of another manager's databases (borrow): closing it closes nothing. */
  #borrowed = false;

  private constructor() {}

  static async open(options: PoolManagerOptions): Promise<DBPoolManager> {
    const manager = new DBPoolManager();
    const names = options.names ?? DATABASE_NAMES;
    try {
      if (names.some((name) => options.databases[name].engine === 'pglite')) {
        manager.#lock = lockDataDir(options.dataDir);
        await initPgliteClusters(
          names.flatMap((name) => {
            const target = options.databases[name];
            return target.engine === 'pglite' ? [target.dir] : [];
          }),
          options.dataDir,
        );
      }
      // Opened one at a time: PGlite start-up is CPU-bound, and parallel opens only contend.
      for (const name of names) {
        const target = options.databases[name];
        const database =
          target.engine === 'pglite'
            ? await openPglite(name, target.dir, target.thread)
            : await openPostgres(name, { ...target, poolSize: options.poolSize });
        manager.#pools.set(name, database);
      }
    } catch (error) {
      await manager.closeAll();
      throw error;
    }
    return manager;
  }

  /** Tells other commands on this data dir where this process serves (no-op without embedded databases). */
  announceServer(server: ServerAnnouncement): void {
    this.#lock?.announce(server);
  }

  /** The database of one service; an unknown name is a programming error. */
  get(name: string): Database {
    const database = this.#pools.get(name as DatabaseName);
    if (!database) throw new Error(`Unknown database: ${name}`);
    return database;
  }

  get names(): DatabaseName[] {
    return [...this.#pools.keys()];
  }

  /**
   * These of this manager's databases, for work that must leave them open: a `calos` command run
   * inside the server that holds the embedded databases. Closing the view closes nothing; a name
   * this manager does not hold is left out, so the view's get() refuses it as unknown.
   */
  borrow(names: readonly DatabaseName[] = DATABASE_NAMES): DBPoolManager {
    const view = new DBPoolManager();
    view.#borrowed = true;
    for (const name of names) {
      const database = this.#pools.get(name);
      if (database) view.#pools.set(name, database);
    }
    return view;
  }

  async closeAll(): Promise<void> {
    if (this.#borrowed) {
      this.#pools.clear();
      return;
    }
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.allSettled(pools.map((pool) => pool.close()));
    this.#lock?.release();
    this.#lock = undefined;
  }
}
