// `calos` beside `npm start` on the embedded engine: PGlite lets one process open the databases,
// so a command that finds them held hands itself to the running server, which runs it on its own
// connections; commands that would change what the server runs on are refused, and the server
// keeps serving afterwards. (On PostgreSQL there is no lock: commands run on their own.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calosInProcess, cliEnvFor } from '../../../test/support/cli.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { readLockHolder } from '../../platform/db/data-dir-lock.ts';
import { readMigrationFiles } from '../../platform/migrations/migration-files.ts';
import { DOCTOR_TOKEN_HEADER } from '../doctor.ts';
import { CLI_PATH } from './commands.ts';
import { withAbsolutePaths } from './forward.ts';

describe('calos commands while the server holds the embedded databases', () => {
  let platform: TestPlatform;
  let env: NodeJS.ProcessEnv;
  const login = `op${Date.now().toString(36)}`;

  beforeAll(async () => {
    platform = await startTestPlatform('pglite');
    env = cliEnvFor(platform.isolated);
    const registered = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/auth/register',
      payload: { username: login, email: `${login}@example.com`, password: 'a long enough password' },
    });
    expect(registered.statusCode).toBe(201);
  }, 120_000);
  afterAll(() => platform?.close());

  it('grants a staff role and lists it through the running server, which keeps serving', async () => {
    const grant = await calosInProcess(
      ['staff', 'grant', '--user', login, '--role', 'support', '--domain', 'hollowtown'],
      env,
    );
    expect(grant.stderr).toContain(
      `the embedded databases are open in the running server (pid ${process.pid})`,
    );
    expect(grant.code).toBe(0);
    expect(grant.stdout).toContain(login);

    const list = await calosInProcess(['staff', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ username: login, role: 'support', domain: 'hollowtown' }),
      ]),
    );
    const { rows } = await platform.databases
      .get('identity')
      .query('SELECT role, domain FROM staff_roles r JOIN users u USING (user_id) WHERE u.username = $1', [
        login,
      ]);
    expect(rows).toEqual([{ role: 'support', domain: 'hollowtown' }]);

    // The command closed nothing of the server's: it still answers from the same databases.
    const plans = await calosInProcess(['plans', 'list', '--json'], env);
    expect(plans.code).toBe(0);
    expect(JSON.parse(plans.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'free' })]),
    );
    const signIn = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/auth/login',
      payload: { login, password: 'a long enough password' },
    });
    expect(signIn.statusCode).toBe(200);
  });

  it('passes a command’s failure and exit code back as they are', async () => {
    const unknown = await calosInProcess(
      ['staff', 'grant', '--user', 'nobody-here', '--role', 'support'],
      env,
    );
    expect(unknown.code, unknown.stderr).toBe(1);
    expect(unknown.stderr.split('\n').slice(1).join('\n')).toBe('calos: No such user [USER_NOT_FOUND]\n');
  });

  it('refuses, with the reason, what would change what the server runs on', async () => {
    const rollback = await calosInProcess(['rollback', 'identity'], env);
    expect(rollback.code).toBe(1);
    expect(rollback.stderr).toContain('DATA_DIR_IN_USE');
    const { rows } = await platform.databases
      .get('identity')
      .query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0]?.n).toBe(readMigrationFiles('identity').length);

    // Asked directly, the endpoint says why and runs nothing.
    const token = readLockHolder(platform.isolated.dataDir)?.server?.doctorToken as string;
    const refused = await platform.app.inject({
      method: 'POST',
      url: CLI_PATH,
      headers: { [DOCTOR_TOKEN_HEADER]: token },
      payload: { argv: ['keys', 'rotate-master'] },
    });
    const lines = refused.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { err: expect.stringContaining('calos keys rotate-master needs the server stopped') },
      { exit: 1 },
    ]);
  });

  it('answers 404 without the lock file’s secret, and 400 to a malformed command line', async () => {
    const stranger = await platform.app.inject({
      method: 'POST',
      url: CLI_PATH,
      headers: { [DOCTOR_TOKEN_HEADER]: 'guess' },
      payload: { argv: ['staff', 'list'] },
    });
    expect(stranger.statusCode).toBe(404);
    const token = readLockHolder(platform.isolated.dataDir)?.server?.doctorToken as string;
    const empty = await platform.app.inject({
      method: 'POST',
      url: CLI_PATH,
      headers: { [DOCTOR_TOKEN_HEADER]: token },
      payload: { argv: [] },
    });
    expect([empty.statusCode, empty.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});

describe('a forwarded command line', () => {
  it('names the archive of calos import from where the operator stands', () => {
    expect(withAbsolutePaths(['import', '--user', 'ann', 'export.zip', '--json'])).toEqual([
      'import',
      '--user',
      'ann',
      `${process.cwd()}/export.zip`,
      '--json',
    ]);
    expect(withAbsolutePaths(['staff', 'grant', '--user', 'ann'])).toEqual([
      'staff',
      'grant',
      '--user',
      'ann',
    ]);
  });
});
