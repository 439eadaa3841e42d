// Hollowtown's part of the operator console, for Hollowtown's staff (or those of `all`):
//   GET  /api/admin/moderation, POST /api/admin/moderation/:kind/:id/restore|remove  (moderator, admin)
//   GET  /api/admin/affiliate?since=…                                                (support, admin)
//   GET  /api/admin/market?since=…: sales, refunds and fees by kind, and the purchases (support, admin)
// (refunds: POST /api/market/purchases/:id/refund). Anyone else is 403 STAFF_ROLE_REQUIRED.
import { Type } from 'typebox';
import { REPORT_ROLES, registerAffiliateAdminRoutes } from '../../affiliate/admin-routes.ts';
import { registerModerationAdminRoutes } from '../../community/admin-routes.ts';
import type { IdentityClient } from '../../identity/client.ts';
import { requireStaff } from '../../platform/auth/staff.ts';
import { reportSince, SinceQuery } from '../../platform/http/report-since.ts';
import type { App } from '../../platform/http/service.ts';
import type { HollowtownDeps } from '../deps.ts';
import type { HollowtownServices } from '../index.ts';
import { Purchase } from './market.ts';
import { bearer, ErrorResponse, Nullable, Timestamp } from './schemas.ts';

const Person = Type.Object({ user_id: Type.String(), username: Nullable(Type.String()) });
/** An erased seller's sales name nobody (both null). */
const Seller = Type.Object({ user_id: Nullable(Type.String()), username: Nullable(Type.String()) });

export function registerHollowtownConsoleRoutes(
  app: App,
  deps: HollowtownDeps,
  services: HollowtownServices,
): void {
  const staffRoles = services.market.staffRoles;
  const identity = () => deps.clients.get<IdentityClient>('identity');
  registerModerationAdminRoutes(app, {
    community: services.community,
    kinds: ['recipe', 'costume', 'plan'],
    staffRoles,
    identity,
  });
  registerAffiliateAdminRoutes(app, { app: 'hollowtown', db: deps.db, staffRoles, now: deps.now });

  app.get(
    '/api/admin/market',
    {
      schema: {
        tags: ['admin'],
        summary:
          'The marketplace since a time: sales, refunds and fees by kind, and its purchases (support, admin)',
        security: bearer,
        querystring: Type.Object({
          since: SinceQuery,
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
        }),
        response: {
          200: Type.Object({
            since: Timestamp,
            totals: Type.Array(
              Type.Object({
                item_kind: Type.String(),
                listed: Type.Integer({ description: 'Listings on sale now' }),
                sales: Type.Integer({ description: 'Paid purchases since then (not refunded)' }),
                refunds: Type.Integer(),
                credits: Type.Integer({ description: 'Credits buyers paid (refunds aside)' }),
                fees: Type.Integer({ description: 'The platform’s fees (refunds aside)' }),
              }),
            ),
            purchases: Type.Array(Type.Object({ ...Purchase.properties, buyer: Person, seller: Seller })),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (request) => {
      await requireStaff(request, staffRoles, 'hollowtown', REPORT_ROLES);
      const since = reportSince(request.query.since, deps.now());
      return services.market.report(since, request.query.limit ?? 50);
    },
  );
}
