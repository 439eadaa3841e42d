// The target schemas as the migrations make them, without touching any target: every
// database's migrations run into a schema of one throwaway in-memory PGlite (for --dry-run).
import { PGlite } from '@electric-sql/pglite';
import { DATABASE_NAMES, type DatabaseName } from '../../../platform/databases.ts';
import type { Queryable } from '../../../platform/db/database.ts';
import { readMigrationFiles } from '../../../platform/migrations/migration-files.ts';
import { type Catalog, readCatalog } from './catalog.ts';

export async function migratedCatalogs(): Promise<Record<DatabaseName, Catalog>> {
  const pg = await PGlite.create();
  const db: Pick<Queryable, 'query'> = {
    query: async <Row>(sql: string, params?: readonly unknown[]) => {
      const result = await pg.query<Row>(sql, params ? [...params] : undefined);
      return { rows: result.rows, rowCount: result.rows.length };
    },
  };
  try {
    const catalogs = {} as Record<DatabaseName, Catalog>;
    for (const name of DATABASE_NAMES) {
      const schema = `split_${name}`;
      await pg.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
      for (const file of readMigrationFiles(name)) await pg.exec(file.up);
      catalogs[name] = await readCatalog(db, schema);
    }
    return catalogs;
  } finally {
    await pg.close();
  }
}
