// calos seed starter: the starter pack loaded into the configured databases under the system
// account, a second run finding everything unchanged, a deleted item left deleted until
// --restore, and unmigrated databases named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedDatabases, isolatedDatabases } from '../../test/support/databases.ts';
import { testEngines } from '../../test/support/engines.ts';
import { type Config, loadConfig } from '../platform/config.ts';
import { DBPoolManager } from '../platform/db/pool-manager.ts';
import { runSeedStarter } from './seed-starter.ts';

describe.each(testEngines())('calos seed starter on %s', (engine) => {
  let isolated: IsolatedDatabases;
  beforeAll(async () => {
    isolated = await isolatedDatabases(engine);
  });
  afterAll(() => isolated?.cleanup());

  const configOf = (target: IsolatedDatabases): Config => ({
    ...loadConfig({ NODE_ENV: 'test', CALOS_DATA_DIR: target.dataDir }),
    databases: target.targets,
  });
  const onDatabase = async <T>(name: 'hollowtown' | 'recipes', work: (db: DBPoolManager) => Promise<T>) => {
    const databases = await DBPoolManager.open({
      databases: isolated.targets,
      dataDir: isolated.dataDir,
      names: [name],
    });
    try {
      return await work(databases);
    } finally {
      await databases.closeAll();
    }
  };

  it('loads the pack, then finds it unchanged; a deleted recipe stays deleted until --restore', async () => {
    const out: string[] = [];
    const first = await runSeedStarter(configOf(isolated), { restore: false, out: (l) => out.push(l) });
    expect(first.account).toMatchObject({ username: 'calos-starter', created: true });
    expect(first.parts['hollowtown recipes']).toMatchObject({
      created: first.parts['hollowtown recipes']?.items,
    });
    expect(first.parts['recipes everyday']).toMatchObject({ items: 10, created: 10 });
    expect(out[0]).toMatch(/^Starter pack for calos-starter \(account created now\)/);

    const second = await runSeedStarter(configOf(isolated), { restore: false, out: () => undefined });
    expect(second.account.created).toBe(false);
    for (const counts of Object.values(second.parts)) expect(counts.unchanged).toBe(counts.items);

    await onDatabase('recipes', (db) =>
      db.get('recipes').query(`DELETE FROM recipes WHERE recipe_name = 'Greek Village Salad'`),
    );
    const third = await runSeedStarter(configOf(isolated), { restore: false, out: () => undefined });
    expect(third.parts['recipes everyday']).toMatchObject({ unchanged: 9, deleted: 1, created: 0 });
    const restored = await runSeedStarter(configOf(isolated), { restore: true, out: () => undefined });
    expect(restored.parts['recipes everyday']).toMatchObject({ unchanged: 9, created: 1 });
    const published = await onDatabase('recipes', async (db) =>
      Number(
        (
          await db
            .get('recipes')
            .query<{ n: string }>('SELECT count(*) AS n FROM recipes WHERE user_id = $1 AND is_published', [
              first.account.userId,
            ])
        ).rows[0]?.n,
      ),
    );
    expect(published).toBe(10);
  });

  it('says which databases are not migrated', async () => {
    const empty = await isolatedDatabases(engine, { migrated: false });
    try {
      await expect(
        runSeedStarter(configOf(empty), { restore: false, out: () => undefined }),
      ).rejects.toMatchObject({
        code: 'NOT_MIGRATED',
      });
    } finally {
      await empty.cleanup();
    }
  });
});
