// A comparable snapshot of a database's schema, read from information_schema and pg_catalog.
import type { Queryable } from '../../src/platform/db/database.ts';

export interface SchemaSnapshot {
  columns: unknown[];
  constraints: unknown[];
  indexes: unknown[];
  triggers: unknown[];
  functions: unknown[];
}

export async function snapshotSchema(db: Queryable): Promise<SchemaSnapshot> {
  const rows = async (sql: string) => (await db.query(sql)).rows;
  return {
    columns: await rows(`
      SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default,
             character_maximum_length, numeric_precision, numeric_scale
      FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
      ORDER BY table_name, column_name`),
    constraints: await rows(`
      SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS definition
      FROM pg_constraint
      WHERE connamespace = 'public'::regnamespace AND conrelid <> 'schema_migrations'::regclass
      ORDER BY 1, 2`),
    indexes: await rows(`
      SELECT tablename, indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename <> 'schema_migrations'
      ORDER BY 1, 2`),
    triggers: await rows(`
      SELECT event_object_table, trigger_name, action_timing, event_manipulation, action_statement
      FROM information_schema.triggers WHERE trigger_schema = 'public'
      ORDER BY 1, 2, 4`),
    functions: await rows(`
      SELECT proname, pg_get_functiondef(oid) AS definition FROM pg_proc
      WHERE pronamespace = 'public'::regnamespace ORDER BY 1`),
  };
}

export const isEmptySchema = (snapshot: SchemaSnapshot) =>
  Object.values(snapshot).every((list) => list.length === 0);
