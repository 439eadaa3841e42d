// calos plans list|set and calos staff grant|revoke|list: the operator's changes to plans and
// staff roles, straight on identity's database, each in the staff audit log. A plan change
// reaches running services through identity's outbox (plan.changed) at once.

import { createIdentityServices, createStaffService, planCatalogOf } from '../identity/index.ts';
import type { Config } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { openCliDatabases } from './databases.ts';
import { CliErrors } from './errors.ts';
import { print, UsageError } from './output.ts';

export interface PlanOptions {
  name?: string;
  'ai-per-minute'?: string;
  'ai-per-hour'?: string;
  'ai-per-day'?: string;
  'price-cents'?: string;
  'family-members'?: string;
  'shared-calendars'?: string;
  'premium-models'?: string;
  json?: boolean;
}

export interface StaffOptions {
  user?: string;
  role?: string;
  domain?: string;
  json?: boolean;
}

const PLANS_USAGE =
  'use: calos plans list [--json] | calos plans set <code> [--name <text>] [--price-cents N] ' +
  '[--ai-per-minute N] [--ai-per-hour N] [--ai-per-day N] [--family-members N|unlimited] ' +
  '[--shared-calendars on|off] [--premium-models on|off]';
const STAFF_USAGE =
  'use: calos staff grant --user <login> --role admin|support|moderator [--domain hollowtown|recipes|family|identity|all] | ' +
  'calos staff revoke --user <login> --role <role> [--domain <domain>] | calos staff list [--json]';

const count = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d{1,10}$/.test(value)) throw new UsageError(`--${flag} takes a whole number (got "${value}")`);
  return Number(value);
};

const onOff = (flag: string, value: string | undefined): boolean | undefined => {
  if (value === undefined) return undefined;
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new UsageError(`--${flag} takes on or off (got "${value}")`);
};

/** The patch `plans set` asks for; a usage error for a bad value before anything is opened. */
export function parsePlanPatch(options: PlanOptions) {
  const members = options['family-members'];
  const patch = {
    name: options.name,
    priceCentsPerMonth: count('price-cents', options['price-cents']),
    aiPerMinute: count('ai-per-minute', options['ai-per-minute']),
    aiPerHour: count('ai-per-hour', options['ai-per-hour']),
    aiPerDay: count('ai-per-day', options['ai-per-day']),
    familyMemberCap: members === 'unlimited' ? null : count('family-members', members),
    sharedCalendars: onOff('shared-calendars', options['shared-calendars']),
    premiumModels: onOff('premium-models', options['premium-models']),
  };
  const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  if (Object.keys(given).length === 0)
    throw new UsageError(`name at least one thing to change. ${PLANS_USAGE}`);
  return given;
}

async function withIdentity<T>(
  config: Config,
  work: (services: ReturnType<typeof createIdentityServices>) => Promise<T>,
): Promise<T> {
  const pools = await openCliDatabases({
    databases: config.databases,
    dataDir: config.dataDir,
    names: ['identity'],
    poolSize: 2,
  });
  try {
    const services = createIdentityServices({
      config,
      databases: pools,
      logger: createLogger({ ...config, logLevel: 'silent' }),
    });
    return await work(services).catch((error: unknown) => {
      // 42P01: a table is missing, so identity's schema is not there yet.
      if ((error as { code?: unknown }).code !== '42P01') throw error;
      throw CliErrors.identityNotMigrated();
    });
  } finally {
    await pools.closeAll();
  }
}

const formatPlan = (p: Awaited<ReturnType<ReturnType<typeof planCatalogOf>['list']>>[number]) => {
  const e = p.entitlements;
  const price = `$${(e.priceCentsPerMonth / 100).toFixed(2)}/month`;
  return [
    p.code.padEnd(11),
    p.name.padEnd(12),
    price.padEnd(16),
    `AI ${e.aiRateLimits.perMinute}/min ${e.aiRateLimits.perHour}/h ${e.aiRateLimits.perDay}/day`.padEnd(30),
    `premium models ${e.premiumModels ? 'on' : 'off'}`.padEnd(19),
    `family members ${e.familyMemberCap ?? 'unlimited'}`.padEnd(25),
    `shared calendars ${e.sharedCalendars ? 'on' : 'off'}`,
    p.isListed ? '' : '  (not listed)',
  ].join(' ');
};

export async function runPlans(
  config: Config,
  action: string | undefined,
  args: string[],
  options: PlanOptions,
): Promise<number> {
  if (action !== 'list' && action !== 'set') throw new UsageError(PLANS_USAGE);
  if (action === 'list') {
    return withIdentity(config, async (services) => {
      const plans = await planCatalogOf(services.deps).list();
      if (options.json) print(JSON.stringify(plans, null, 2));
      else for (const plan of plans) print(formatPlan(plan));
      return 0;
    });
  }
  const code = args[0];
  if (!code) throw new UsageError(`name the plan to change. ${PLANS_USAGE}`);
  const patch = parsePlanPatch(options);
  return withIdentity(config, async (services) => {
    const { after } = await planCatalogOf(services.deps).update(code, patch, { operator: 'calos plans set' });
    print(`Plan ${code} changed; new tokens and AI calls use it now:`);
    print(`  ${formatPlan(after)}`);
    return 0;
  });
}

export async function runStaff(
  config: Config,
  action: string | undefined,
  options: StaffOptions,
): Promise<number> {
  if (action !== 'grant' && action !== 'revoke' && action !== 'list') throw new UsageError(STAFF_USAGE);
  if (action !== 'list' && (!options.user || !options.role))
    throw new UsageError(`staff ${action} needs --user <login> and --role <role>. ${STAFF_USAGE}`);
  return withIdentity(config, async (services) => {
    const staff = createStaffService(services.deps);
    const actor = { operator: `calos staff ${action}` };
    if (action === 'list') {
      const grants = await staff.list();
      if (options.json) print(JSON.stringify(grants, null, 2));
      else if (grants.length === 0) print('No staff yet: calos staff grant --user <login> --role <role>');
      else for (const g of grants) print(`${g.username.padEnd(32)} ${g.role.padEnd(10)} ${g.domain}`);
      return 0;
    }
    const input = { login: options.user ?? '', role: options.role ?? '', domain: options.domain };
    if (action === 'grant') {
      const granted = await staff.grant(input, actor);
      print(
        granted.added
          ? `${granted.username} is now ${granted.role} of ${granted.domain}.`
          : `${granted.username} was already ${granted.role} of ${granted.domain}; nothing changed.`,
      );
      return 0;
    }
    const revoked = await staff.revoke(input, actor);
    print(`${revoked.username} is no longer ${revoked.role} of ${revoked.domains.join(', ')}.`);
    return 0;
  });
}
