// HowToCookAtHome's part of the operator console, for its staff (domain `recipes`, or `all`):
// the moderation queue of published recipes, the "Buy at …" clicks, and the recipe books
// marketplace (GET /api/admin/market: sales, refunds and fees, and the purchases to refund from
// with POST /api/market/purchases/:id/refund; support, admin). Anyone else is 403.
import { Type } from 'typebox';
import { REPORT_ROLES, registerAffiliateAdminRoutes } from '../../affiliate/admin-routes.ts';
import { registerModerationAdminRoutes } from '../../community/admin-routes.ts';
import type { IdentityClient } from '../../identity/client.ts';
import { requireStaff } from '../../platform/auth/staff.ts';
import { reportSince, SinceQuery } from '../../platform/http/report-since.ts';
import type { App, ClientRegistry } from '../../platform/http/service.ts';
import type { RecipesDeps } from '../deps.ts';
import type { RecipesServices } from '../index.ts';
import { Purchase } from './market.ts';
import { bearer, ErrorResponse, Nullable, Timestamp } from './schemas.ts';

const Person = Type.Object({ user_id: Type.String(), username: Nullable(Type.String()) });

export function registerRecipesConsoleRoutes(
  app: App,
  deps: RecipesDeps,
  services: RecipesServices,
  clients: ClientRegistry,
): void {
  const identity = () => clients.get<IdentityClient>('identity');
  // One cache of staff roles for the whole console (identity's staff.changed drops it).
  const staffRoles = services.market.staffRoles;
  registerModerationAdminRoutes(app, {
    community: services.community,
    kinds: ['recipe', 'comment'],
    staffRoles,
    identity,
  });
  registerAffiliateAdminRoutes(app, { app: 'recipes', db: deps.db, staffRoles, now: () => deps.now() });

  app.get(
    '/api/admin/market',
    {
      schema: {
        tags: ['admin'],
        summary:
          'The recipe books marketplace since a time: sales, refunds and fees, and its purchases (support, admin)',
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
            purchases: Type.Array(Type.Object({ ...Purchase.properties, buyer: Person, seller: Person })),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (request) => {
      await requireStaff(request, staffRoles, 'recipes', REPORT_ROLES);
      const since = reportSince(request.query.since, deps.now());
      return services.market.report(since, request.query.limit ?? 50);
    },
  );
}
