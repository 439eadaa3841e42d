// The contract every service holding per-user data offers for "Download my data" and its import
// (GDPR Art. 15 and 20): its rows of one user, a page at a time per collection, so that an archive
// of any size streams without being held in memory; and, for the apps, taking rows of such an
// archive back in. The assembling (which services, in what order, the zip) is src/cross-app's.

/** Rows of one collection, in key order; `next` continues after the last, null at the end. */
export interface ExportPage {
  items: Record<string, unknown>[];
  next: string | null;
}

/** What a service hands out of one user's data (its door's `dataExport`). */
export interface DataExportClient {
  /** The collections this service exports, in the order an archive lists them. */
  collections(): Promise<string[]>;
  /** One page (limit 1–500) of one collection of this user's rows. */
  page(userId: string, collection: string, after: string | null, limit: number): Promise<ExportPage>;
}

/** What one import did per collection: rows created, found from an earlier import, skipped. */
export interface ImportCounts {
  created: number;
  existing: number;
  skipped: { id: string | null; reason: string }[];
}

export interface ImportAnswer {
  counts: Record<string, ImportCounts>;
  /** Source id → new id per collection, for references from other apps (event → recipe). */
  ids: Record<string, Record<string, string>>;
}

/** What an app takes in of an archive (its door's `dataImport`). */
export interface DataImportClient {
  /**
   * The rows of the app's file in the archive, per collection; `references` are the new ids other
   * apps gave the rows this one's rows name (an event's HowToCookAtHome recipes).
   */
  apply(
    userId: string,
    data: Record<string, unknown[]>,
    references?: Record<string, Record<string, string>>,
  ): Promise<ImportAnswer>;
}

/** A collection as a store exports it: `select` names the user as $1 and the row's columns. */
export interface ExportedCollection {
  /** The unique column the pages follow. */
  key: string;
  keyType: 'uuid' | 'bigint' | 'text';
  select: string;
  /** The most rows a page holds, below EXPORT_PAGE_MAX, for collections of large rows. */
  pageMax?: number;
}

/** Every row of one collection, a page at a time (what an archive writer iterates). */
export async function* exportedRows(
  door: DataExportClient,
  userId: string,
  collection: string,
  pageSize = 200,
): AsyncGenerator<Record<string, unknown>> {
  let after: string | null = null;
  do {
    const page: ExportPage = await door.page(userId, collection, after, pageSize);
    yield* page.items;
    after = page.next;
  } while (after !== null);
}

const isNamed = (item: unknown) =>
  typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string';

/**
 * Why a row's JSON lists are not what the app reads (the database checks only that they are
 * lists): `named` fields hold objects with a name, `texts` fields strings. Undefined when fine.
 */
export function listShapeProblem(
  row: Record<string, unknown>,
  fields: { named?: readonly string[]; texts?: readonly string[] },
): string | undefined {
  for (const field of fields.named ?? []) {
    const value = row[field];
    if (value !== undefined && !(Array.isArray(value) && value.every(isNamed)))
      return `${field} is not a list of items with a name`;
  }
  for (const field of fields.texts ?? []) {
    const value = row[field];
    if (value !== undefined && !(Array.isArray(value) && value.every((item) => typeof item === 'string')))
      return `${field} is not a list of texts`;
  }
  return undefined;
}

/** A table an app takes archive rows into: its own id is new, the listed columns are copied. */
export interface ImportedTable {
  table: string;
  idColumn: string;
  /** The column naming the importing user (user_id unless said). */
  ownerColumn?: string;
  /** The columns copied from a source row when present (a fixed list: names are never the row's). */
  columns: readonly string[];
}

export { EXPORT_PAGE_MAX, exportPage, importRows, isDataError } from './data-portability/store.ts';
