import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedDatabases, isolatedDatabases } from '../../test/support/databases.ts';
import { testEngines } from '../../test/support/engines.ts';
import { startTestPlatform } from '../../test/support/platform.ts';
import { type Config, loadConfig } from '../platform/config.ts';
import { lockDataDir } from '../platform/db/data-dir-lock.ts';
import { rollback } from '../platform/migrations/migrator.ts';
import { DOCTOR_PATH, DOCTOR_TOKEN_HEADER, diagnose, runDoctor } from './doctor.ts';

describe.each(testEngines())('calos doctor on %s', (engine) => {
  let isolated: IsolatedDatabases;
  let config: Config;

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine);
    config = { ...loadConfig({ NODE_ENV: 'test' }), dataDir: isolated.dataDir, databases: isolated.targets };
  });
  afterAll(() => isolated.cleanup());

  it('passes when every database is reachable and migrated', async () => {
    const findings = await diagnose(config);
    expect(findings.filter((f) => !f.ok)).toEqual([]);
    expect(findings.map((f) => f.check)).toEqual(
      expect.arrayContaining(['identity', 'hollowtown', 'recipes', 'family']),
    );
  });

  it('fails the database that has a pending migration and names the fix', async () => {
    const pools = await isolated.open(['recipes']);
    await rollback(pools.get('recipes'));
    await pools.closeAll();
    const recipes = (await diagnose(config)).find((f) => f.check === 'recipes');
    expect(recipes).toMatchObject({
      ok: false,
      detail: expect.stringContaining('1 pending (run: calos migrate recipes)'),
    });
  });

  it('fails a database it cannot reach', async () => {
    const unreachable: Config = {
      ...config,
      databases: {
        ...config.databases,
        family: {
          engine: 'postgres',
          url: 'postgres://nobody@127.0.0.1:1/x',
          database: 'x',
          maintenanceUrl: 'postgres://nobody@127.0.0.1:1/postgres',
        },
      },
    };
    const family = (await diagnose(unreachable)).find((f) => f.check === 'family');
    expect(family).toMatchObject({ ok: false, detail: expect.stringContaining('Cannot reach PostgreSQL') });
  });

  it.runIf(engine === 'pglite')(
    'fails, saying nothing was checked, when the holder of the data dir cannot be asked',
    async () => {
      const lock = lockDataDir(isolated.dataDir);
      try {
        const findings = await diagnose(config);
        expect(findings[0]).toMatchObject({
          check: 'data dir lock',
          detail: expect.stringContaining(`held by running pid ${process.pid}`),
        });
        expect(findings[1]).toMatchObject({ check: 'running server', ok: false });
        expect(findings[1]?.detail).toContain('nothing was checked');
        lock.announce({ url: 'http://127.0.0.1:1', doctorToken: 'x' });
        const unreachable = await diagnose(config);
        expect(unreachable[1]).toMatchObject({ check: 'running server', ok: false });
        expect(await runDoctor(config)).toBe(1);
      } finally {
        lock.release();
      }
    },
  );

  it.runIf(engine === 'pglite')(
    'checks the embedded databases through the server that holds them',
    async () => {
      const platform = await startTestPlatform(engine);
      try {
        const held: Config = {
          ...config,
          dataDir: platform.isolated.dataDir,
          databases: platform.isolated.targets,
        };
        const findings = await diagnose(held);
        expect(findings[0]?.detail).toMatch(
          new RegExp(`held by running pid ${process.pid} since .*; checked through it`),
        );
        expect(findings.filter((f) => !f.ok)).toEqual([]);
        expect(findings.map((f) => f.check)).toEqual(
          expect.arrayContaining(['identity', 'hollowtown', 'recipes', 'family', 'users hollowtown']),
        );
        // The endpoint answers only to the holder of the lock file's secret.
        const stranger = await platform.app.inject({
          method: 'POST',
          url: DOCTOR_PATH,
          headers: { [DOCTOR_TOKEN_HEADER]: 'guess' },
          payload: {},
        });
        expect(stranger.statusCode).toBe(404);
      } finally {
        await platform.close();
      }
    },
  );
});
