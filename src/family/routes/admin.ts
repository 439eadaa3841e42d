// Family Planner's part of the operator console, for its staff (domain `family`, or `all`): the
// "Buy at …" clicks of shopping lists. Anyone else is 403 STAFF_ROLE_REQUIRED.
import { registerAffiliateAdminRoutes } from '../../affiliate/admin-routes.ts';
import type { StaffRoleLookup } from '../../platform/auth/staff.ts';
import type { App } from '../../platform/http/service.ts';
import type { FamilyDeps } from '../deps.ts';

export function registerFamilyConsoleRoutes(app: App, deps: FamilyDeps, staffRoles: StaffRoleLookup): void {
  registerAffiliateAdminRoutes(app, { app: 'family', db: deps.db, staffRoles, now: () => deps.now() });
}
