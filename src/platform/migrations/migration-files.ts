// Reads `migrations/<database>/NNN_description.sql` files: an up part after `-- migrate:up`,
// a down part after `-- migrate:down`, and a sha256 checksum that pins what was applied.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseName } from '../databases.ts';
import { MigrationErrors } from './errors.ts';

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

export interface MigrationFile {
  version: number;
  name: string;
  /** Path relative to the working directory, for messages. */
  file: string;
  checksum: string;
  up: string;
  /** Line number (1-based) in the file where the up part starts. */
  upLine: number;
  down: string;
  downLine: number;
}

const FILE_NAME = /^(\d{3,})_([a-z0-9][a-z0-9_]*)\.sql$/;
const UP_MARKER = /^--\s*migrate:up\s*$/m;
const DOWN_MARKER = /^--\s*migrate:down\s*$/m;

export function readMigrationFiles(
  database: DatabaseName,
  migrationsDir = DEFAULT_MIGRATIONS_DIR,
): MigrationFile[] {
  const dir = path.join(migrationsDir, database);
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.sql'));
  } catch {
    return [];
  }
  const files = names.map((name) => parseMigrationFile(path.join(dir, name)));
  files.sort((a, b) => a.version - b.version);
  for (let i = 1; i < files.length; i++) {
    const previous = files[i - 1];
    const current = files[i];
    if (previous && current && previous.version === current.version) {
      throw MigrationErrors.versionDuplicate(current.version, previous.file, current.file);
    }
  }
  return files;
}

export function parseMigrationFile(file: string): MigrationFile {
  const relative = path.relative(process.cwd(), file) || file;
  const match = FILE_NAME.exec(path.basename(file));
  if (!match?.[1] || !match[2]) {
    throw MigrationErrors.fileNameInvalid(relative);
  }
  // Checksums ignore line-ending style, so a checkout with CRLF does not look edited.
  const text = readFileSync(file, 'utf8').replaceAll('\r\n', '\n');
  const up = UP_MARKER.exec(text);
  const down = DOWN_MARKER.exec(text);
  if (!up || !down || down.index < up.index) {
    throw MigrationErrors.fileInvalid(relative);
  }
  const upStart = up.index + up[0].length;
  const downStart = down.index + down[0].length;
  return {
    version: Number(match[1]),
    name: match[2],
    file: relative,
    checksum: createHash('sha256').update(text).digest('hex'),
    up: text.slice(upStart, down.index),
    upLine: lineAt(text, upStart),
    down: text.slice(downStart),
    downLine: lineAt(text, downStart),
  };
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

export const hasStatements = (sql: string): boolean =>
  sql
    .replace(/--.*$/gm, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .trim().length > 0;
