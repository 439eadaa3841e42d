// The operator console's affiliate report of one app: GET /api/admin/affiliate?since=…, the
// "Buy at …" clicks recorded in the app's own database by retailer and kind of item, for the
// app's support and admin staff (or those of `all`); anyone else is 403 STAFF_ROLE_REQUIRED.
import { Type } from 'typebox';
import type { AffiliateApp } from '../platform/affiliate-config.ts';
import { requireStaff, type StaffRoleLookup } from '../platform/auth/staff.ts';
import type { Queryable } from '../platform/db/database.ts';
import { reportSince, SinceQuery } from '../platform/http/report-since.ts';
import { bearer, ErrorResponse, Timestamp } from '../platform/http/schemas.ts';
import type { App } from '../platform/http/service.ts';
import { countClicks } from './store.ts';

export const REPORT_ROLES = ['support', 'admin'] as const;
export function registerAffiliateAdminRoutes(
  app: App,
  options: { app: AffiliateApp; db: Queryable; staffRoles: StaffRoleLookup; now: () => Date },
): void {
  app.get(
    '/api/admin/affiliate',
    {
      schema: {
        tags: ['admin'],
        summary: '"Buy at …" clicks by retailer and kind of item since a time (support, admin)',
        security: bearer,
        querystring: Type.Object({ since: SinceQuery }),
        response: {
          200: Type.Object({
            since: Timestamp,
            total_clicks: Type.Integer(),
            items: Type.Array(
              Type.Object({
                app: Type.String(),
                retailer: Type.String(),
                item_kind: Type.String(),
                clicks: Type.Integer(),
                users: Type.Integer({ description: 'Distinct people who clicked' }),
              }),
            ),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (request) => {
      await requireStaff(request, options.staffRoles, options.app, REPORT_ROLES);
      const since = reportSince(request.query.since, options.now());
      const items = await countClicks(options.db, since);
      return { since, total_clicks: items.reduce((sum, r) => sum + r.clicks, 0), items };
    },
  );
}
