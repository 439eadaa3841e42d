// calos plans set: what it reads from its flags, and the usage errors it answers before it opens
// any database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calosInProcess, cliEnvFor } from '../../test/support/cli.ts';
import { type IsolatedDatabases, isolatedDatabases } from '../../test/support/databases.ts';
import { testEngines } from '../../test/support/engines.ts';
import type { Database } from '../platform/db/database.ts';
import { DBPoolManager } from '../platform/db/pool-manager.ts';
import { UsageError } from './output.ts';
import { parsePlanPatch } from './plans.ts';

describe('calos plans set', () => {
  it('reads counts, on/off and unlimited into a patch of only what was given', () => {
    expect(
      parsePlanPatch({
        'family-members': 'unlimited',
        'shared-calendars': 'on',
        'premium-models': 'off',
        'price-cents': '900',
        'ai-per-minute': '12',
      }),
    ).toEqual({
      familyMemberCap: null,
      sharedCalendars: true,
      premiumModels: false,
      priceCentsPerMonth: 900,
      aiPerMinute: 12,
    });
  });

  it('refuses bad values and an empty change with a usage error', () => {
    expect(() => parsePlanPatch({ 'ai-per-minute': 'ten' })).toThrow(UsageError);
    expect(() => parsePlanPatch({ 'ai-per-day': '-5' })).toThrow(UsageError);
    expect(() => parsePlanPatch({ 'shared-calendars': 'maybe' })).toThrow(UsageError);
    expect(() => parsePlanPatch({ 'family-members': 'lots' })).toThrow(UsageError);
    expect(() => parsePlanPatch({})).toThrow(UsageError);
  });
});

describe.each(testEngines())('calos plans and calos staff on %s', (engine) => {
  let isolated: IsolatedDatabases;

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine);
  });
  afterAll(() => isolated.cleanup());

  const calos = (args: string[]) => calosInProcess(args, cliEnvFor(isolated));

  const withIdentity = async <T>(work: (db: Database) => Promise<T>): Promise<T> => {
    const pools = await DBPoolManager.open({
      databases: isolated.targets,
      dataDir: isolated.dataDir,
      names: ['identity'],
    });
    try {
      return await work(pools.get('identity'));
    } finally {
      await pools.closeAll();
    }
  };

  it('changes a plan, lists it, refuses bad input, and grants and revokes a staff role, audited', {
    timeout: 400_000,
  }, async () => {
    const set = await calos(['plans', 'set', 'pro', '--ai-per-minute', '7', '--shared-calendars', 'on']);
    expect(set.code).toBe(0);
    const listed = JSON.parse((await calos(['plans', 'list', '--json'])).stdout);
    expect(listed.find((p: { code: string }) => p.code === 'pro').entitlements).toMatchObject({
      aiRateLimits: { perMinute: 7 },
      sharedCalendars: true,
    });
    const bad = await calos(['plans', 'set', 'pro', '--ai-per-minute', 'lots']);
    expect(bad.code).toBe(2);
    const unknown = await calos(['plans', 'set', 'gold', '--ai-per-minute', '5']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('PLAN_NOT_FOUND');

    const userId = await withIdentity(async (db) => {
      const { rows } = await db.query<{ user_id: string }>(
        `INSERT INTO users (username, email, password_hash) VALUES ('morticia', 'morticia@example.test', 'x')
         RETURNING user_id`,
      );
      return rows[0]?.user_id as string;
    });
    expect(
      (await calos(['staff', 'grant', '--user', 'morticia', '--role', 'support', '--domain', 'family'])).code,
    ).toBe(0);
    expect((await calos(['staff', 'list'])).stdout).toMatch(/morticia\s+support\s+family/);
    expect((await calos(['staff', 'grant', '--user', 'morticia', '--role', 'owner'])).code).toBe(1);
    expect((await calos(['staff', 'revoke', '--user', 'morticia', '--role', 'support'])).code).toBe(0);
    const audit = await withIdentity(
      async (db) =>
        (
          await db.query<{ action: string; actor_label: string; subject_user_id: string | null }>(
            'SELECT action, actor_label, subject_user_id FROM staff_audit_log ORDER BY staff_audit_id',
          )
        ).rows,
    );
    expect(audit).toEqual([
      { action: 'plan.changed', actor_label: 'operator (calos plans set)', subject_user_id: null },
      { action: 'staff.granted', actor_label: 'operator (calos staff grant)', subject_user_id: userId },
      { action: 'staff.revoked', actor_label: 'operator (calos staff revoke)', subject_user_id: userId },
    ]);
  });
});
