// Order-independent checksums that PostgreSQL computes over a table, the same SQL on the
// monolith and on a target: every row is ROW(its columns, typed as the target's), hashed with
// hash_record_extended (each column through its type's own 64-bit hash, the functions hash
// partitioning relies on staying stable across versions), and the hashes are summed (a sum,
// unlike XOR, also counts a duplicated row). Hashing values rather than their text is about
// three times cheaper and needs no agreement on rendering; a column type without a hash
// function is compared as text. Session settings still pin the text of COPY and of keys.
import type { Queryable } from '../../../platform/db/database.ts';

/** SET statements for every session that copies or checksums (monolith and targets). */
export const RENDERING_SETTINGS = [
  "TimeZone = 'UTC'",
  "DateStyle = 'ISO, YMD'",
  "IntervalStyle = 'postgres'",
  'extra_float_digits = 3',
  "bytea_output = 'hex'",
];

export interface RowSet {
  /** FROM clause: a table or a parenthesised SELECT. */
  from: string;
  /** The compared values, in the same order on both sides. */
  values: string[];
  /** The primary key values (target key, same order on both sides). */
  key: string[];
}

export interface TableChecksum {
  rows: number;
  checksum: string;
}

/** Buckets per table when looking for changed rows: a mismatch is narrowed to 1/1024th of it. */
export const BUCKETS = 1024;

const rowHash = (set: RowSet) => `hash_record_extended(ROW(${set.values.join(', ')}), 0)`;
const bucketOf = (set: RowSet) =>
  `(hash_record_extended(ROW(${set.key.join(', ')}), 1) & ${BUCKETS - 1})::int`;

const HASHABLE =
  /^(uuid|text|boolean|smallint|integer|bigint|real|double precision|date|interval|bytea|jsonb|numeric(\(\d+,\d+\))?|character varying(\(\d+\))?|character(\(\d+\))?|timestamp(\(\d\))? with(out)? time zone|time(\(\d\))? without time zone)(\[\])*$/;

/** A value as it enters a row hash: itself when its type has a hash function, else its text. */
export const hashable = (expression: string, type: string): string =>
  HASHABLE.test(type) ? expression : `(${expression})::text`;

export async function checksumOf(db: Pick<Queryable, 'query'>, set: RowSet): Promise<TableChecksum> {
  const { rows } = await db.query<{ rows: string; checksum: string }>(
    `SELECT count(*)::text AS rows, coalesce(sum(${rowHash(set)}), 0)::text AS checksum FROM ${set.from} AS t`,
  );
  const row = rows[0] as { rows: string; checksum: string };
  return { rows: Number(row.rows), checksum: row.checksum };
}

export async function bucketChecksums(
  db: Pick<Queryable, 'query'>,
  set: RowSet,
): Promise<Map<number, string>> {
  const { rows } = await db.query<{ bucket: number; summary: string }>(
    `SELECT ${bucketOf(set)} AS bucket, count(*)::text || ':' || sum(${rowHash(set)})::text AS summary
     FROM ${set.from} AS t GROUP BY 1`,
  );
  return new Map(rows.map((r) => [Number(r.bucket), r.summary]));
}

/** Key (as text) → row hash, for the rows in some buckets. */
export async function rowHashesIn(
  db: Pick<Queryable, 'query'>,
  set: RowSet,
  buckets: number[],
): Promise<Map<string, string>> {
  const { rows } = await db.query<{ key: string; hash: string }>(
    `SELECT ROW(${set.key.join(', ')})::text AS key, ${rowHash(set)}::text AS hash
     FROM ${set.from} AS t WHERE ${bucketOf(set)} = ANY($1::int[])`,
    [buckets],
  );
  return new Map(rows.map((r) => [r.key, r.hash]));
}
