// Where tests keep the files of their embedded databases: in memory (/dev/shm, a tmpfs on Linux)
// when the machine has it, else the system's temporary folder; TEST_DATA_DIR overrides both.
// A PGlite test database is a 40 MB folder copied from the migrated template: on the disk that
// copy cost ~0.45 s of CPU per database and every page PGlite wrote went through the file
// system's journal; in memory the copy is ~0.1 s and writes cost what a memcpy costs.
import { accessSync, constants, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function scratchRoot(): string {
  if (process.env.TEST_DATA_DIR) return process.env.TEST_DATA_DIR;
  try {
    if (statSync('/dev/shm').isDirectory()) {
      accessSync('/dev/shm', constants.W_OK);
      return '/dev/shm';
    }
  } catch {
    // no tmpfs here (macOS, some containers): the temporary folder it is
  }
  return tmpdir();
}

export const SCRATCH_ROOT = scratchRoot();

/** A new empty folder for a test's databases (the caller removes it). */
export function scratchDir(prefix: string): string {
  return mkdtempSync(path.join(SCRATCH_ROOT, prefix));
}
