// The migration commands as an operator runs them: `calos migrate …` and `calos rollback …`.

import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { calosInProcess } from '../../test/support/cli.ts';
import { scratchDir } from '../../test/support/scratch.ts';
import { readMigrationFiles } from '../platform/migrations/migration-files.ts';

const dataDir = scratchDir('calos-cli-');

const env = { ...process.env, CALOS_DATA_DIR: dataDir, NODE_ENV: 'development' };
const calos = (...args: string[]) => calosInProcess(args, env);

/** The real binary, as an operator's shell starts it: exit codes and streams of a process. */
const calosBinary = (...args: string[]) =>
  promisify(execFile)(process.execPath, [path.resolve('bin/calos.mjs'), ...args], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// Each command opens the embedded databases and closes them (the first run creates them).
describe('the calos migration commands', { timeout: 180_000 }, () => {
  it('migrate one database, then all with identity first, then report status', async () => {
    const one = await calos('migrate', 'hollowtown');
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/hollowtown\s+applied\s+001_create_spooky_recipes/);

    const all = await calos('migrate', 'all');
    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^identity\s+applied\s+001_create_users/);
    expect(all.stdout).toMatch(/hollowtown\s+up to date/);

    const status = await calos('migrate', 'status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/applied\s+005_create_subscriptions/);
    expect(status.stdout).not.toContain('pending');
  });

  it('roll back one step, or down to a version with --to', async () => {
    const newestFamily = readMigrationFiles('family').at(-1);
    const oneStep = await calos('rollback', 'family');
    expect(oneStep.stdout).toMatch(
      new RegExp(
        `family\\s+rolled back\\s+${String(newestFamily?.version).padStart(3, '0')}_${newestFamily?.name}`,
      ),
    );
    const toTwo = await calos('rollback', 'recipes', '--to', '2');
    expect(toTwo.stdout).toMatch(
      /rolled back\s+004_create_shopping_lists[\s\S]*rolled back\s+003_create_pantry/,
    );
    expect(toTwo.stdout.match(/rolled back/g)).toHaveLength(readMigrationFiles('recipes').length - 2);
    const status = await calos('migrate', 'status');
    expect(status.stdout).toMatch(/pending\s+003_create_pantry/);
    expect((await calos('migrate', 'all')).code).toBe(0);
  });

  it('answer a wrong command line with usage and exit code 2', async () => {
    const unknownDb = await calos('rollback', 'forum');
    expect(unknownDb.code).toBe(2);
    expect(unknownDb.stderr).toContain('unknown database "forum"');
    const badTo = await calos('rollback', 'family', '--to', 'two');
    expect(badTo.code).toBe(2);
    expect(badTo.stderr).toContain('--to takes a migration number');
    const unknownCommand = await calos('explode');
    expect(unknownCommand.code).toBe(2);
  });

  it('run as the bin/calos.mjs process: a command, its output and exit codes', async () => {
    const status = await calosBinary('migrate', 'status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/applied\s+001_create_users/);
    const wrong = await calosBinary('rollback', 'forum');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('unknown database "forum"');
    expect((await calosBinary('help')).stdout).toContain('calos start');
  });
});
