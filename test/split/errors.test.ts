import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/output.ts';
import { parseMapping } from '../../src/cli/split/mapping.ts';
import { splitMonolith } from '../../src/cli/split/split.ts';
import { parseMonolithUrl } from '../../src/cli/split.ts';
import { AppError } from '../../src/platform/errors.ts';
import { type IsolatedDatabases, isolatedDatabases } from '../support/databases.ts';
import { TEST_POSTGRES_URL, testEngines, uniqueSuffix } from '../support/engines.ts';
import { givenMonolith, splitOptions, type TestMonolith, targetCount } from './support.ts';

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the split to fail');
}

describe('the monolith URL', () => {
  it.each([
    ['', 'needs --from'],
    ['not a url', 'is not a URL'],
    ['mysql://root@db:3306/calos', 'must be a postgres:// or postgresql:// URL'],
    ['postgres://db.example.com:5432', 'must name the monolith database'],
  ])('%j is refused with a message that says why', (value, message) => {
    expect(() => parseMonolithUrl(value || undefined)).toThrow(UsageError);
    expect(() => parseMonolithUrl(value || undefined)).toThrow(message);
  });

  it('never echoes a password', () => {
    expect(() => parseMonolithUrl('mysql://root:hunter2@db/calos')).toThrow(/\*\*\*/);
    expect(() => parseMonolithUrl('mysql://root:hunter2@db/calos')).not.toThrow(/hunter2/);
  });

  it('is explained by the calos command, which exits 2', () => {
    const result = spawnSync(process.execPath, ['bin/calos.mjs', 'split', '--from', 'postgres//oops'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'test' },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--from is not a URL');
  });
});

describe('the mapping file', () => {
  it('lists every problem at once', () => {
    const error = (() => {
      try {
        parseMapping(
          { tables: { users: { database: 'accounts' }, todo_items: { database: 'family', drop: 'x' } } },
          'test',
        );
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(error?.code).toBe('SPLIT_MAPPING_INVALID');
    expect(error?.message).toContain(
      'tables.users.database must be one of identity, hollowtown, recipes, family',
    );
    expect(error?.message).toContain('tables.todo_items.drop must be a list of column names');
  });
});

describe.runIf(testEngines().includes('postgres'))('a monolith the split cannot read', () => {
  let monolith: TestMonolith;
  let isolated: IsolatedDatabases;
  const role = `calos_split_reader_${uniqueSuffix()}`;

  beforeAll(async () => {
    monolith = await givenMonolith(20);
    isolated = await isolatedDatabases('postgres');
  });
  afterAll(async () => {
    await isolated?.cleanup();
    await monolith?.drop();
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`).catch(() => undefined);
    await admin.end();
  });

  it('names the server when nothing listens there', async () => {
    const error = await failure(
      splitMonolith(
        splitOptions(monolith, isolated, { from: 'postgres://postgres:secret@127.0.0.1:1/calos' }),
      ),
    );
    expect(error.code).toBe('MONOLITH_UNREACHABLE');
    expect(error.message).toContain('127.0.0.1:1');
    expect(error.message).toContain('nothing accepts connections there');
    expect(error.message).not.toContain('secret');
  });

  it('says when the database does not exist', async () => {
    const url = new URL(monolith.url);
    url.pathname = '/calos_no_such_monolith';
    const error = await failure(splitMonolith(splitOptions(monolith, isolated, { from: url.toString() })));
    expect(error.code).toBe('MONOLITH_UNREACHABLE');
    expect(error.message).toContain('that database does not exist');
  });

  it('names the tables a role may not read, and writes nothing', async () => {
    const quoted = pg.escapeIdentifier(role);
    await monolith.query(`CREATE ROLE ${quoted} LOGIN`);
    await monolith.query(`GRANT CONNECT ON DATABASE ${pg.escapeIdentifier(monolith.database)} TO ${quoted}`);
    await monolith.query(`GRANT USAGE ON SCHEMA public TO ${quoted}`);
    await monolith.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${quoted}`);
    await monolith.query(`REVOKE SELECT ON users, recipes FROM ${quoted}`);
    try {
      const url = new URL(monolith.url);
      url.username = role;
      const error = await failure(splitMonolith(splitOptions(monolith, isolated, { from: url.toString() })));
      expect(error.code).toBe('MONOLITH_PRIVILEGES_MISSING');
      expect(error.message).toContain(
        `The monolith role "${role}" may not read public.users, public.recipes`,
      );
      expect(error.message).toContain('GRANT SELECT ON');
      expect(await targetCount(isolated, 'hollowtown', 'spooky_recipes')).toBe(0);
    } finally {
      await monolith.query(`DROP OWNED BY ${quoted}`);
    }
  });

  it('refuses a type mismatch and a column it would lose before writing a row', async () => {
    await monolith.query('ALTER TABLE halloween_events ALTER COLUMN guest_count TYPE text');
    await monolith.query('ALTER TABLE users ADD COLUMN karma_points integer NOT NULL DEFAULT 7');
    try {
      const error = await failure(splitMonolith(splitOptions(monolith, isolated)));
      expect(error.code).toBe('SPLIT_PLAN_INVALID');
      expect(error.message).toContain('Nothing was written');
      expect(error.message).toContain(
        'halloween_events → hollowtown.halloween_events: type mismatch on "guest_count": monolith text, target integer',
      );
      expect(error.message).toContain(
        'column "karma_points" (integer) has no column "karma_points" in the target',
      );
      expect(await targetCount(isolated, 'identity', 'users')).toBe(0);
      expect(await targetCount(isolated, 'hollowtown', 'halloween_events')).toBe(0);
    } finally {
      await monolith.query(
        'ALTER TABLE halloween_events ALTER COLUMN guest_count TYPE integer USING guest_count::integer',
      );
    }
  });

  it('refuses rows the targets would reject (a case-only duplicate email, an out-of-range level), naming them', async () => {
    const [user] = await monolith.query<{ user_id: string; email: string }>(
      'SELECT user_id, email FROM users ORDER BY user_id LIMIT 1',
    );
    await monolith.query(
      `INSERT INTO users (user_id, username, email, password_hash, created_at)
       VALUES (gen_random_uuid(), 'shouting_twin', upper($1), 'x', now())`,
      [user?.email],
    );
    const [recipe] = await monolith.query<{ recipe_id: string }>(
      'UPDATE spooky_recipes SET spookiness_level = 11 WHERE recipe_id = (SELECT recipe_id FROM spooky_recipes ORDER BY recipe_id LIMIT 1) RETURNING recipe_id',
    );
    try {
      const error = await failure(
        splitMonolith(splitOptions(monolith, isolated, { allowDroppedColumns: true })),
      );
      expect(error.code).toBe('SPLIT_DATA_INVALID');
      expect(error.message).toContain('users: 1 × users_email_key (unique)');
      expect(error.message).toContain(
        `spooky_recipes: 1 × spooky_recipes_spookiness_level_check, e.g. (${recipe?.recipe_id})`,
      );
      expect(await targetCount(isolated, 'identity', 'users')).toBe(0);
    } finally {
      await monolith.query("DELETE FROM users WHERE username = 'shouting_twin'");
      await monolith.query('UPDATE spooky_recipes SET spookiness_level = 10 WHERE recipe_id = $1', [
        recipe?.recipe_id,
      ]);
    }
  });

  it('moves the rest with --allow-dropped-columns and reports the column it left behind', async () => {
    const report = await splitMonolith(splitOptions(monolith, isolated, { allowDroppedColumns: true }));
    expect(report.ok).toBe(true);
    expect(report.tables.find((t) => t.target === 'users')?.droppedColumns).toEqual([
      { column: 'karma_points', type: 'integer', why: '--allow-dropped-columns' },
    ]);
  });
});
