// calos import: a "Download my data" archive taken into an existing account from the command
// line: its recipe and meal plan (naming the recipe by its new id) arrive, a second run adds
// nothing, an unknown account and a missing file are refused.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { type IsolatedDatabases, isolatedDatabases } from '../../test/support/databases.ts';
import { testEngines } from '../../test/support/engines.ts';
import { type Config, loadConfig } from '../platform/config.ts';
import { DBPoolManager } from '../platform/db/pool-manager.ts';
import { runImport } from './import.ts';

const SOURCE_RECIPE = '11111111-1111-4111-8111-111111111111';

async function archiveFile(): Promise<string> {
  const part = (app: string, collections: Record<string, unknown[]>) =>
    JSON.stringify({ format: 'calos-account-export', version: 1, app, collections });
  const zip = new ZipFile();
  zip.addBuffer(Buffer.from(JSON.stringify({ format: 'calos-account-export', version: 1 })), 'manifest.json');
  zip.addBuffer(
    Buffer.from(
      part('recipes', {
        recipes: [
          { recipe_id: SOURCE_RECIPE, recipe_name: 'Cli stew', difficulty: 'easy', tags: ['winter'] },
        ],
        meal_plans: [
          {
            plan_id: '22222222-2222-4222-8222-222222222222',
            plan_name: 'Cli week',
            start_date: '2027-01-04',
            meals: { '2027-01-05': { dinner: SOURCE_RECIPE } },
          },
        ],
      }),
    ),
    'recipes.json',
  );
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'calos-import-')), 'archive.zip');
  writeFileSync(file, Buffer.concat(chunks));
  return file;
}

describe.each(testEngines())('calos import on %s', (engine) => {
  let isolated: IsolatedDatabases;
  let config: Config;
  let file: string;
  let userId: string;
  beforeAll(async () => {
    isolated = await isolatedDatabases(engine);
    config = {
      ...loadConfig({ NODE_ENV: 'test', CALOS_DATA_DIR: isolated.dataDir }),
      databases: isolated.targets,
    };
    file = await archiveFile();
    const databases = await DBPoolManager.open({
      databases: isolated.targets,
      dataDir: isolated.dataDir,
      names: ['identity'],
    });
    try {
      const { rows } = await databases.get('identity').query<{ user_id: string }>(
        `INSERT INTO users (username, email, password_hash) VALUES ('morticia', 'morticia@example.test', 'x')
           RETURNING user_id`,
      );
      userId = (rows[0] as { user_id: string }).user_id;
    } finally {
      await databases.closeAll();
    }
  });
  afterAll(() => isolated?.cleanup());

  const recipesRows = async () => {
    const databases = await DBPoolManager.open({
      databases: isolated.targets,
      dataDir: isolated.dataDir,
      names: ['recipes'],
    });
    try {
      const db = databases.get('recipes');
      const recipes = (
        await db.query<{ recipe_id: string; recipe_name: string }>(
          'SELECT recipe_id, recipe_name FROM recipes WHERE user_id = $1',
          [userId],
        )
      ).rows;
      const plans = (
        await db.query<{ meals: unknown }>('SELECT meals FROM meal_plans WHERE user_id = $1', [userId])
      ).rows;
      return { recipes, plans };
    } finally {
      await databases.closeAll();
    }
  };

  it('imports into the account once, with the meal plan naming the new recipe', async () => {
    const out: string[] = [];
    expect(await runImport(config, [file], { user: 'morticia', out: (l) => out.push(l) })).toBe(0);
    expect(out[0]).toBe(`Imported ${file} into morticia:`);
    expect(out).toContain('  recipes.recipes: 1 new, 0 already here');
    const first = await recipesRows();
    expect(first.recipes).toEqual([{ recipe_id: expect.any(String), recipe_name: 'Cli stew' }]);
    expect(first.recipes[0]?.recipe_id).not.toBe(SOURCE_RECIPE);
    expect(first.plans).toEqual([{ meals: { '2027-01-05': { dinner: first.recipes[0]?.recipe_id } } }]);

    const again: string[] = [];
    expect(await runImport(config, [file], { user: 'morticia', out: (l) => again.push(l) })).toBe(0);
    expect(again).toContain('  recipes.recipes: 0 new, 1 already here');
    expect(await recipesRows()).toEqual(first);
  });

  it('refuses an unknown account and a missing file', async () => {
    await expect(
      runImport(config, [file], { user: 'nobody-here', out: () => undefined }),
    ).rejects.toMatchObject({
      code: 'USER_NOT_FOUND',
    });
    await expect(
      runImport(config, ['/no/such/file.zip'], { user: 'morticia', out: () => undefined }),
    ).rejects.toThrow(/no file/);
    await expect(runImport(config, [], { user: 'morticia', out: () => undefined })).rejects.toThrow(
      /calos import/,
    );
  });
});
