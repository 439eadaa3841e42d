// `calos clients` as an operator registers a partner's app: the client_id (and a confidential
// client's secret, once), the list, removal, and refusals that say what is wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calosInProcess, cliEnvFor } from '../../test/support/cli.ts';
import { type IsolatedDatabases, isolatedDatabases } from '../../test/support/databases.ts';
import { testEngines } from '../../test/support/engines.ts';
import { DBPoolManager } from '../platform/db/pool-manager.ts';

describe.each(testEngines())('calos clients on %s', (engine) => {
  let isolated: IsolatedDatabases;

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine);
  });
  afterAll(() => isolated.cleanup());

  const calos = (args: string[]) =>
    calosInProcess(
      ['clients', ...args],
      cliEnvFor(isolated, { CALOS_ISSUER: 'https://id.example.test/calos' }),
    );

  it('adds a confidential and a public client, lists them and removes one', {
    timeout: 400_000,
  }, async () => {
    const added = await calos([
      'add',
      '--name',
      'Turkey Tech',
      '--redirect-uri',
      'https://turkey.example/callback',
      '--json',
    ]);
    expect(added.code).toBe(0);
    const confidential = JSON.parse(added.stdout);
    expect(confidential).toMatchObject({
      name: 'Turkey Tech',
      public: false,
      redirect_uris: ['https://turkey.example/callback'],
      issuer: 'https://id.example.test/calos',
    });
    expect(confidential.client_id).toMatch(/^turkey-tech-[0-9a-f]{8}$/);
    expect(confidential.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const publicOne = await calos([
      'add',
      '--name',
      'Love Lab',
      '--redirect-uri',
      'http://localhost:5173/cb',
      '--public',
    ]);
    expect(publicOne.code).toBe(0);
    expect(publicOne.stdout).toContain('client_id:');
    expect(publicOne.stdout).not.toContain('client_secret');

    // A TV app: the device flow only, no redirect URI needed.
    const tv = await calos(['add', '--name', 'Attic TV', '--device', '--public', '--json']);
    expect(tv.code).toBe(0);
    expect(JSON.parse(tv.stdout)).toMatchObject({ name: 'Attic TV', public: true, redirect_uris: [] });

    const listed = JSON.parse((await calos(['list', '--json'])).stdout) as Array<{
      client_id: string;
      name: string;
      public: boolean;
      grant_types: string[];
    }>;
    expect(listed.map((c) => [c.name, c.public])).toEqual([
      ['Turkey Tech', false],
      ['Love Lab', true],
      ['Attic TV', true],
    ]);
    expect(listed[2]?.grant_types).toEqual(['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token']);

    // The secret is stored sealed, never in the clear.
    const pools = await DBPoolManager.open({
      databases: isolated.targets,
      dataDir: isolated.dataDir,
      names: ['identity'],
    });
    try {
      const { rows } = await pools
        .get('identity')
        .query<{ row: string }>('SELECT row_to_json(c)::text AS row FROM oidc_clients c');
      expect(rows.map((r) => r.row).join('')).not.toContain(confidential.client_secret);
    } finally {
      await pools.closeAll();
    }

    expect((await calos(['remove', confidential.client_id])).code).toBe(0);
    const after = JSON.parse((await calos(['list', '--json'])).stdout) as Array<{ name: string }>;
    expect(after.map((c) => c.name)).toEqual(['Love Lab', 'Attic TV']);
    const again = await calos(['remove', confidential.client_id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('OIDC_CLIENT_NOT_FOUND');
  });

  it('refuses a client it could not use, saying why', { timeout: 300_000 }, async () => {
    const noRedirect = await calos(['add', '--name', 'Nowhere']);
    expect(noRedirect.code).toBe(1);
    expect(noRedirect.stderr).toContain('--redirect-uri');
    const plainHttp = await calos([
      'add',
      '--name',
      'Insecure',
      '--redirect-uri',
      'http://partner.example/cb',
    ]);
    expect(plainHttp.code).toBe(1);
    expect(plainHttp.stderr).toContain('OIDC_CLIENT_INVALID');
    const noName = await calos(['add', '--redirect-uri', 'https://partner.example/cb']);
    expect(noName.code).toBe(2);
  });
});
