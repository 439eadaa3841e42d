// What a staff member's roles open in the console: the same rules the APIs apply (a role in the
// domain or in `all`), so a contractor of one app sees only that app's screens.
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import type { RequestOptions } from '../shared/api.ts';
import type { PageConfig, WebApp } from '../shared/config.ts';
import type { Account } from '../shared/session.ts';

/** A role the signed-in staff member holds, as GET /api/admin/me answers it. */
export type StaffGrant = Answer<paths, '/api/admin/me', 'get'>['roles'][number];

export type Api = <T>(path: string, options?: RequestOptions) => Promise<T>;

export interface ConsoleProps {
  config: PageConfig;
  /** A path under identity ('/api/…') or a full URL (another service's API). */
  api: Api;
  grants: StaffGrant[];
  params: URLSearchParams;
  me?: Account;
}

export const covers = (grants: readonly StaffGrant[], domain: string, roles: readonly string[]) =>
  grants.some((g) => (g.domain === domain || g.domain === 'all') && roles.includes(g.role));

const READ = ['support', 'admin'];
export const MODERATED_APPS = ['hollowtown', 'recipes'] as const satisfies readonly WebApp[];
/** The apps with a marketplace: Hollowtown's plans and costumes, HowToCookAtHome's recipe books. */
export const MARKET_APPS = ['hollowtown', 'recipes'] as const satisfies readonly WebApp[];
export const AFFILIATE_APPS = ['hollowtown', 'recipes', 'family'] as const satisfies readonly WebApp[];
export const DOMAINS = ['identity', 'hollowtown', 'recipes', 'family'] as const;

export const can = {
  readAccounts: (g: readonly StaffGrant[]) => covers(g, 'identity', READ),
  changeMoney: (g: readonly StaffGrant[]) => covers(g, 'identity', ['admin']),
  moderateApps: (g: readonly StaffGrant[]) =>
    MODERATED_APPS.filter((app) => covers(g, app, ['moderator', 'admin'])),
  /** The marketplaces whose report (and refunds) their support and admin staff see. */
  market: (g: readonly StaffGrant[]) => MARKET_APPS.filter((app) => covers(g, app, READ)),
  refund: (g: readonly StaffGrant[], app: WebApp) => covers(g, app, READ),
  readPlans: (g: readonly StaffGrant[]) => covers(g, 'identity', READ),
  /** Plans and staff roles reach every domain: admins of all. */
  changePlans: (g: readonly StaffGrant[]) => covers(g, 'all', ['admin']),
  manageStaff: (g: readonly StaffGrant[]) => covers(g, 'all', ['admin']),
  affiliateApps: (g: readonly StaffGrant[]) => AFFILIATE_APPS.filter((app) => covers(g, app, READ)),
  /** 'all': every app's AI usage; else the apps whose own usage they may read. */
  aiUsage: (g: readonly StaffGrant[]): 'all' | WebApp[] =>
    covers(g, 'identity', READ) ? 'all' : AFFILIATE_APPS.filter((app) => covers(g, app, READ)),
  anyReport: (g: readonly StaffGrant[]) =>
    covers(g, 'identity', READ) || AFFILIATE_APPS.some((app) => covers(g, app, READ)),
  /** The domains whose audit log they may read ('all' first when they may read all of it). */
  auditDomains: (g: readonly StaffGrant[]): string[] => [
    ...(covers(g, 'all', ['admin']) ? ['all'] : []),
    ...DOMAINS.filter((d) => covers(g, d, ['admin'])),
  ],
};

export const DOMAIN_NAMES: Record<string, string> = {
  all: 'Every domain',
  identity: 'Accounts (identity)',
  hollowtown: 'Hollowtown',
  recipes: 'HowToCookAtHome',
  family: 'Family Planner',
};

/** An app's console API: its page root (ends with /) + api/admin/…. */
export const appApi = (config: PageConfig, app: WebApp, path: string) =>
  `${config.apps[app]}api/admin/${path}`;
