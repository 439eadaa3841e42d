// /api/admin/plans and /api/admin/staff: the console's counterparts of `calos plans` and
// `calos staff`. Plans apply to every app, staff roles open every domain: reading the plans is
// for support or admin of identity, changing them and anything about staff roles for admins of
// `all`; everyone else is 403 STAFF_ROLE_REQUIRED. Each change is in the staff audit log (the
// services it calls write it in the same transaction).
import { Type } from 'typebox';
import { requireStaff, type StaffRoleLookup } from '../../platform/auth/staff.ts';
import { Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import type { IdentityDeps } from '../deps.ts';
import { PLAN_CODES, type PlanInfo } from '../plans.ts';
import { planCatalogOf } from '../service/plans.ts';
import { createStaffService } from '../service/staff.ts';
import type { StaffActor } from '../service/staff-audit.ts';
import { listStaffRoles, STAFF_DOMAINS, STAFF_ROLES } from '../store/staff.ts';
import { findUserById } from '../store/users.ts';
import { bearer, ErrorResponse } from './schemas.ts';

const tags = ['admin'];
const Errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

const Plan = Type.Object(
  {
    code: Type.Enum(PLAN_CODES),
    name: Type.String(),
    is_listed: Type.Boolean({ description: 'Offered in the account console' }),
    price_cents_per_month: Type.Integer(),
    ai_per_minute: Type.Integer(),
    ai_per_hour: Type.Integer(),
    ai_per_day: Type.Integer(),
    premium_models: Type.Boolean(),
    family_member_cap: Type.Union([Type.Integer(), Type.Null()], { description: 'null: unlimited' }),
    shared_calendars: Type.Boolean(),
    extra: Type.Record(Type.String(), Type.Unknown()),
  },
  { description: 'A subscription plan and what it entitles to' },
);

const PlanChange = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    price_cents_per_month: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
    ai_per_minute: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    ai_per_hour: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
    ai_per_day: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
    premium_models: Type.Optional(Type.Boolean()),
    family_member_cap: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 10_000 }), Type.Null()], {
        description: 'null: unlimited',
      }),
    ),
    shared_calendars: Type.Optional(Type.Boolean()),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ ai_per_day: 2000, price_cents_per_month: 600 }],
  },
);

const Grant = Type.Object({
  user_id: Type.String(),
  username: Type.String(),
  role: Type.String(),
  domain: Type.String(),
  granted_by: Type.String(),
  created_at: Timestamp,
});

const GrantInput = Type.Object(
  {
    login: Type.String({ minLength: 1, maxLength: 254, description: 'Username or email' }),
    role: Type.Enum(STAFF_ROLES),
    domain: Type.Enum(STAFF_DOMAINS),
  },
  { additionalProperties: false, examples: [{ login: 'ada', role: 'support', domain: 'hollowtown' }] },
);

const planView = (plan: PlanInfo) => ({
  code: plan.code,
  name: plan.name,
  is_listed: plan.isListed,
  price_cents_per_month: plan.entitlements.priceCentsPerMonth,
  ai_per_minute: plan.entitlements.aiRateLimits.perMinute,
  ai_per_hour: plan.entitlements.aiRateLimits.perHour,
  ai_per_day: plan.entitlements.aiRateLimits.perDay,
  premium_models: plan.entitlements.premiumModels,
  family_member_cap: plan.entitlements.familyMemberCap,
  shared_calendars: plan.entitlements.sharedCalendars,
  extra: { ...plan.entitlements.extra },
});

export function registerAdminPlanRoutes(app: App, deps: IdentityDeps) {
  const catalog = planCatalogOf(deps);
  const staff = createStaffService(deps);
  const lookup: StaffRoleLookup = (userId) => listStaffRoles(deps.db, userId);
  const staffOf = async (
    request: Parameters<typeof requireStaff>[0],
    roles: readonly string[],
    domain: string,
  ): Promise<StaffActor> => {
    const user = await requireStaff(request, lookup, domain, roles);
    const account = await findUserById(deps.db, user.userId);
    return { userId: user.userId, username: account?.username ?? user.userId };
  };

  app.get(
    '/api/admin/plans',
    {
      schema: {
        tags,
        summary: 'The subscription plans and their limits (support, admin of identity)',
        security: bearer,
        response: { 200: Type.Object({ items: Type.Array(Plan) }), ...Errors },
      },
    },
    async (request) => {
      await staffOf(request, ['support', 'admin'], 'identity');
      return { items: (await catalog.list()).map(planView) };
    },
  );

  app.patch(
    '/api/admin/plans/:code',
    {
      schema: {
        tags,
        summary: 'Change a plan’s name, price or limits (admin of all), as `calos plans set`',
        description:
          'Applies to new tokens at once and to every service on the plan.changed event; audited with the plan before and after. 400 PLAN_CHANGE_INVALID when AI limits do not grow with the window.',
        security: bearer,
        params: Type.Object({ code: Type.String({ maxLength: 40 }) }),
        body: PlanChange,
        response: { 200: Plan, ...Errors },
      },
    },
    async (request) => {
      const actor = await staffOf(request, ['admin'], 'all');
      const b = request.body;
      const { after } = await catalog.update(
        request.params.code,
        {
          name: b.name,
          priceCentsPerMonth: b.price_cents_per_month,
          aiPerMinute: b.ai_per_minute,
          aiPerHour: b.ai_per_hour,
          aiPerDay: b.ai_per_day,
          premiumModels: b.premium_models,
          familyMemberCap: b.family_member_cap,
          sharedCalendars: b.shared_calendars,
        },
        actor,
      );
      return planView(after);
    },
  );

  app.get(
    '/api/admin/staff',
    {
      schema: {
        tags,
        summary: 'Every staff role, by person (admin of all)',
        security: bearer,
        response: { 200: Type.Object({ items: Type.Array(Grant) }), ...Errors },
      },
    },
    async (request) => {
      await staffOf(request, ['admin'], 'all');
      return { items: await staff.list() };
    },
  );

  app.post(
    '/api/admin/staff',
    {
      schema: {
        tags,
        summary: 'Grant a staff role in a domain (admin of all), as `calos staff grant`',
        description: 'Granting a role held already changes nothing (added: false). 404 USER_NOT_FOUND.',
        security: bearer,
        body: GrantInput,
        response: {
          200: Type.Object({
            user_id: Type.String(),
            username: Type.String(),
            role: Type.String(),
            domain: Type.String(),
            added: Type.Boolean(),
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const actor = await staffOf(request, ['admin'], 'all');
      const granted = await staff.grant(request.body, actor);
      return {
        user_id: granted.userId,
        username: granted.username,
        role: granted.role,
        domain: granted.domain,
        added: granted.added,
      };
    },
  );

  app.post(
    '/api/admin/staff/revoke',
    {
      schema: {
        tags,
        summary: 'Take a staff role back in a domain (admin of all), as `calos staff revoke`',
        description:
          '404 STAFF_GRANT_NOT_FOUND when the person holds no such role there; 409 LAST_ADMIN_OF_ALL for the last ' +
          'admin of every domain (yourself included: grant it to someone else first).',
        security: bearer,
        body: GrantInput,
        response: {
          200: Type.Object({
            user_id: Type.String(),
            username: Type.String(),
            role: Type.String(),
            domains: Type.Array(Type.String()),
          }),
          ...Errors,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      const actor = await staffOf(request, ['admin'], 'all');
      const revoked = await staff.revoke(request.body, actor);
      return {
        user_id: revoked.userId,
        username: revoked.username,
        role: revoked.role,
        domains: revoked.domains,
      };
    },
  );
}
