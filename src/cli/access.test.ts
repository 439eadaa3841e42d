import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedDatabases, isolatedDatabases } from '../../test/support/databases.ts';
import { TEST_POSTGRES_URL, testEngines, uniqueSuffix } from '../../test/support/engines.ts';
import { type Config, loadConfig } from '../platform/config.ts';
import { AppError } from '../platform/errors.ts';
import { grantAccess, revokeAccess } from './access.ts';

const configFor = (isolated: IsolatedDatabases): Config => ({
  ...loadConfig({ NODE_ENV: 'test' }),
  dataDir: isolated.dataDir,
  databases: isolated.targets,
});

async function connectAs(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

describe.runIf(testEngines().includes('postgres'))('contractor access on PostgreSQL', () => {
  let isolated: IsolatedDatabases;
  const role = `contractor_${uniqueSuffix()}`;

  beforeAll(async () => {
    isolated = await isolatedDatabases('postgres');
  });
  afterAll(async () => {
    await revokeAccess(configFor(isolated), { database: 'hollowtown', role }).catch(() => undefined);
    await isolated.cleanup();
    const admin = await connectAs(TEST_POSTGRES_URL);
    await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`).catch(() => undefined);
    await admin.end();
  });

  it('lets a role granted hollowtown read and write hollowtown_db and refuses it every other database', async () => {
    const config = configFor(isolated);
    const grant = await grantAccess(config, { database: 'hollowtown', role });
    expect(new URL(grant.connectionUrl).pathname).toBe(`/${grant.database}`);
    expect(grant.database).toBe((isolated.targets.hollowtown as { database: string }).database);

    const contractor = await connectAs(grant.connectionUrl);
    await contractor.query(
      "INSERT INTO spooky_recipes (user_id, recipe_name, spookiness_level, difficulty) VALUES (gen_random_uuid(), 'Eyeball soup', 7, 'easy')",
    );
    const { rows } = await contractor.query('SELECT recipe_name FROM spooky_recipes');
    expect(rows).toEqual([{ recipe_name: 'Eyeball soup' }]);
    const schemaChange = await contractor
      .query('DELETE FROM schema_migrations')
      .catch((e: { code: string }) => e.code);
    expect(schemaChange).toBe('42501');
    const ddl = await contractor.query('DROP TABLE spooky_recipes').catch((e: { code: string }) => e.code);
    expect(ddl).toBe('42501');
    await contractor.end();

    for (const other of ['identity', 'recipes', 'family'] as const) {
      const target = isolated.targets[other];
      if (target.engine !== 'postgres') throw new Error('expected postgres');
      const url = new URL(grant.connectionUrl);
      url.pathname = `/${target.database}`;
      const refused = await connectAs(url.toString()).then(
        async (client) => {
          await client.end();
          return 'connected';
        },
        (error: { code: string; message: string }) => error,
      );
      expect(refused).toMatchObject({
        code: '42501',
        message: expect.stringContaining('permission denied for database'),
      });
    }
  });

  it('keeps the operator able to use every database after a grant', async () => {
    const pools = await isolated.open();
    for (const name of ['identity', 'hollowtown', 'recipes', 'family'] as const) {
      await expect(pools.get(name).query('SELECT 1')).resolves.toBeDefined();
    }
  });

  it('gives a read-only role no way to write', async () => {
    const readOnlyRole = `${role}_ro`;
    const grant = await grantAccess(configFor(isolated), {
      database: 'hollowtown',
      role: readOnlyRole,
      readOnly: true,
    });
    const contractor = await connectAs(grant.connectionUrl);
    await expect(contractor.query('SELECT count(*) FROM spooky_recipes')).resolves.toBeDefined();
    const write = await contractor.query('DELETE FROM spooky_recipes').catch((e: { code: string }) => e.code);
    expect(write).toBe('42501');
    await contractor.end();
    await revokeAccess(configFor(isolated), { database: 'hollowtown', role: readOnlyRole });
  });

  it('refuses an existing role and an invalid name', async () => {
    const again = await grantAccess(configFor(isolated), { database: 'hollowtown', role }).catch(
      (e: AppError) => e,
    );
    expect(again).toMatchObject({ code: 'ROLE_EXISTS' });
    const invalid = await grantAccess(configFor(isolated), {
      database: 'hollowtown',
      role: 'Robert"; DROP',
    }).catch((e: AppError) => e);
    expect(invalid).toMatchObject({ code: 'ROLE_NAME_INVALID' });
  });
});

describe('contractor access on the embedded engine', () => {
  it('is refused with a message saying how to move to PostgreSQL', async () => {
    const config = loadConfig({ NODE_ENV: 'test', CALOS_DATA_DIR: '/tmp/never-opened' });
    const error = (await grantAccess(config, { database: 'hollowtown', role: 'bob' }).catch(
      (e: unknown) => e,
    )) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('ACCESS_NEEDS_POSTGRES');
    expect(error.message).toContain('HOLLOWTOWN_DATABASE_URL');
  });
});
