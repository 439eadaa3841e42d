import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/support/scratch.ts';
import { DATABASE_NAMES, type DatabaseName } from '../databases.ts';
import { isPgliteCluster } from './pglite.ts';
import { DBPoolManager } from './pool-manager.ts';

describe('embedded databases on a first start', () => {
  const dataDir = scratchDir('calos-pglite-first-');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const scratchDirs = () => readdirSync(dataDir).filter((name) => name.startsWith('.initdb-'));

  it('makes every cluster from one initdb, and each database stays its own', async () => {
    const databases = Object.fromEntries(
      DATABASE_NAMES.map((name) => [name, { engine: 'pglite', dir: path.join(dataDir, name) }]),
    ) as Record<DatabaseName, { engine: 'pglite'; dir: string }>;
    const pools = await DBPoolManager.open({ databases, dataDir, poolSize: 1 });
    try {
      for (const name of DATABASE_NAMES) expect(isPgliteCluster(path.join(dataDir, name))).toBe(true);
      await pools.get('hollowtown').query('CREATE TABLE only_here (x int)');
      await pools.get('hollowtown').query('INSERT INTO only_here VALUES (1)');
      const elsewhere = await pools
        .get('recipes')
        .query<{ found: string | null }>("SELECT to_regclass('only_here')::text AS found");
      expect(elsewhere.rows).toEqual([{ found: null }]);
    } finally {
      await pools.closeAll();
    }
    // The scratch initdb is gone, and a second start opens what is there.
    expect(scratchDirs()).toEqual([]);
    const again = await DBPoolManager.open({ databases, dataDir, poolSize: 1 });
    try {
      const kept = await again.get('hollowtown').query<{ x: number }>('SELECT x FROM only_here');
      expect(kept.rows).toEqual([{ x: 1 }]);
    } finally {
      await again.closeAll();
    }
  });
});
