// The mapping file of `calos split`: which monolith table moves to which database, with
// optional renames, columns deliberately left behind and the columns that hold CALOS user ids.
import { readFileSync } from 'node:fs';
import { DATABASE_NAMES, type DatabaseName, isDatabaseName } from '../../platform/databases.ts';
import { CliErrors } from '../errors.ts';

export const DEFAULT_MAPPING_FILE = new URL('./default-mapping.json', import.meta.url);

export interface MovedTable {
  kind: 'move';
  /** Table in the monolith. */
  source: string;
  database: DatabaseName;
  /** Table in the target database (default: the same name). */
  target: string;
  /** Monolith column → target column. */
  renames: ReadonlyMap<string, string>;
  /** Monolith columns that are left behind on purpose. */
  drop: ReadonlySet<string>;
  /** Target columns holding calos_identity user ids (uuid or uuid[]), checked after the copy. */
  userColumns: readonly string[];
}

export interface LeftBehindTable {
  kind: 'leave';
  source: string;
  reason: string;
}

export interface Mapping {
  /** Where the mapping came from, for messages. */
  origin: string;
  /** Schema of the monolith's tables. */
  schema: string;
  /** How a monolith TIMESTAMP (without time zone) is read when its target is TIMESTAMPTZ. */
  timestampTimeZone: string;
  tables: ReadonlyMap<string, MovedTable | LeftBehindTable>;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;
const TABLE_KEYS = new Set([
  'database',
  'table',
  'columns',
  'drop',
  'userColumns',
  'leaveBehind',
  'description',
]);

export function loadMapping(file?: string): Mapping {
  const origin = file ?? 'the default mapping (src/cli/split/default-mapping.json)';
  let text: string;
  try {
    text = readFileSync(file ?? DEFAULT_MAPPING_FILE, 'utf8');
  } catch (error) {
    throw mappingError(origin, [`cannot be read: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw mappingError(origin, [`is not valid JSON: ${(error as Error).message}`]);
  }
  return parseMapping(json, origin);
}

export const defaultMappingText = (): string => readFileSync(DEFAULT_MAPPING_FILE, 'utf8');

/** Validates a parsed mapping; every problem is listed in one error. */
export function parseMapping(json: unknown, origin: string): Mapping {
  const problems: string[] = [];
  if (!isObject(json)) throw mappingError(origin, ['must be a JSON object with a "tables" object']);
  const schema = json.schema ?? 'public';
  if (typeof schema !== 'string' || !IDENTIFIER.test(schema)) problems.push('"schema" must be a schema name');
  const timestampTimeZone = json.timestampTimeZone ?? 'UTC';
  if (typeof timestampTimeZone !== 'string' || !/^[A-Za-z0-9_+\-/:]{1,64}$/.test(timestampTimeZone))
    problems.push('"timestampTimeZone" must be a time zone name such as "UTC" or "Europe/Berlin"');
  const tables = new Map<string, MovedTable | LeftBehindTable>();
  if (!isObject(json.tables)) {
    problems.push('"tables" must be an object of monolith table name → { "database": … }');
  } else {
    const targets = new Map<string, string>();
    for (const [source, entry] of Object.entries(json.tables)) {
      const at = `tables.${source}`;
      if (!IDENTIFIER.test(source)) problems.push(`${at}: not a table name`);
      if (!isObject(entry)) {
        problems.push(`${at} must be an object`);
        continue;
      }
      for (const key of Object.keys(entry))
        if (!TABLE_KEYS.has(key)) problems.push(`${at} has an unknown key "${key}"`);
      if (entry.leaveBehind !== undefined) {
        if (typeof entry.leaveBehind !== 'string' || entry.leaveBehind.trim() === '')
          problems.push(`${at}.leaveBehind must say why the table stays behind`);
        if (entry.database !== undefined) problems.push(`${at} has both "database" and "leaveBehind"`);
        tables.set(source, { kind: 'leave', source, reason: String(entry.leaveBehind) });
        continue;
      }
      const database = entry.database;
      if (typeof database !== 'string' || !isDatabaseName(database)) {
        problems.push(`${at}.database must be one of ${DATABASE_NAMES.join(', ')} (or give "leaveBehind")`);
        continue;
      }
      const target = entry.table ?? source;
      if (typeof target !== 'string' || !IDENTIFIER.test(target))
        problems.push(`${at}.table: not a table name`);
      const key = `${database}.${String(target)}`;
      const other = targets.get(key);
      if (other) problems.push(`${at} and tables.${other} both move to ${key}`);
      targets.set(key, source);
      const renames = new Map<string, string>();
      if (entry.columns !== undefined) {
        if (!isObject(entry.columns))
          problems.push(`${at}.columns must map monolith columns to target columns`);
        else
          for (const [from, to] of Object.entries(entry.columns)) {
            if (!IDENTIFIER.test(from) || typeof to !== 'string' || !IDENTIFIER.test(to))
              problems.push(`${at}.columns.${from} must name a target column`);
            else renames.set(from, to);
          }
      }
      const drop = stringList(entry.drop, `${at}.drop`, problems);
      const userColumns = stringList(entry.userColumns, `${at}.userColumns`, problems);
      tables.set(source, {
        kind: 'move',
        source,
        database,
        target: String(target),
        renames,
        drop: new Set(drop),
        userColumns,
      });
    }
  }
  if (problems.length > 0) throw mappingError(origin, problems);
  return { origin, schema: schema as string, timestampTimeZone: timestampTimeZone as string, tables };
}

function stringList(value: unknown, at: string, problems: string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !IDENTIFIER.test(v))) {
    problems.push(`${at} must be a list of column names`);
    return [];
  }
  return value as string[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const mappingError = CliErrors.mappingInvalid;
