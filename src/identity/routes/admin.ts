// /api/admin/…: the operator console's account operations, for staff. Who may do what:
//   read (find accounts, see one), sign out everywhere, disable/enable: support or admin
//   change plan, grant or take back credits: admin
//   the staff audit log: admin of `all`; ?domain=hollowtown: that domain's entries, admin of it
//   AI usage: support or admin of identity; ?app=hollowtown|recipes|family: of that app's domain
// each in the named domain or `all`; a staff member of another domain or a moderator is 403
// STAFF_ROLE_REQUIRED here. The apps' own console routes (moderation, market, affiliate clicks)
// are in each app (src/community/admin-routes.ts, src/affiliate/admin-routes.ts).
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { requireStaff, type StaffRoleLookup } from '../../platform/auth/staff.ts';
import { CursorParam } from '../../platform/http/pagination.ts';
import { reportSince, SinceQuery } from '../../platform/http/report-since.ts';
import { NullableTimestamp, Page, Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import type { IdentityDeps } from '../deps.ts';
import { PLAN_CODES } from '../plans.ts';
import { createAdminService, MAX_ADJUSTMENT } from '../service/admin.ts';
import type { StaffActor } from '../service/staff-audit.ts';
import { listStaffRoles, STAFF_DOMAINS, type StaffDomain } from '../store/staff.ts';
import { findUserById } from '../store/users.ts';
import { bearer, ErrorResponse } from './schemas.ts';

const tags = ['admin'];
const READ = ['support', 'admin'] as const;
const MONEY = ['admin'] as const;

const Id = Type.String({ maxLength: 64 });
const Reason = Type.String({ minLength: 1, maxLength: 500, description: 'Why; kept in the audit log' });
const Errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** The apps whose AI usage their own domain's staff may read. */
const APP_DOMAINS = ['hollowtown', 'recipes', 'family'] as const;

const UserSummary = Type.Object({
  user_id: Type.String(),
  username: Type.String(),
  email: Type.String(),
  display_name: Type.Union([Type.String(), Type.Null()]),
  disabled_at: NullableTimestamp,
  created_at: Timestamp,
});

export function registerAdminRoutes(app: App, deps: IdentityDeps) {
  const admin = createAdminService(deps);
  // Identity reads its own table: a role taken back stops working at once here.
  const lookup: StaffRoleLookup = (userId) => listStaffRoles(deps.db, userId);
  const staffOf = async (
    request: Parameters<typeof requireStaff>[0],
    roles: readonly string[],
    domain = 'identity',
  ): Promise<StaffActor> => {
    const user = await requireStaff(request, lookup, domain, roles);
    const account = await findUserById(deps.db, user.userId);
    return { userId: user.userId, username: account?.username ?? user.userId };
  };

  app.get(
    '/api/admin/me',
    {
      schema: {
        tags,
        summary: 'Your staff roles (empty for everyone else)',
        security: bearer,
        response: {
          200: Type.Object({
            roles: Type.Array(Type.Object({ role: Type.String(), domain: Type.String() })),
          }),
          401: ErrorResponse,
        },
      },
    },
    async (request) => {
      const user = requireUser(request);
      if (user.delegated && !user.delegated.isFirstParty) return { roles: [] };
      return { roles: (await lookup(user.userId)).map((g) => ({ role: g.role, domain: g.domain })) };
    },
  );

  app.get(
    '/api/admin/users',
    {
      schema: {
        tags,
        summary: 'Find accounts by username, email or display name (support, admin)',
        security: bearer,
        querystring: Type.Object({
          q: Type.String({ minLength: 2, maxLength: 254 }),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
          cursor: Type.Optional(CursorParam),
        }),
        response: {
          200: Page(UserSummary, 'Accounts by username (and id), a page at a time'),
          ...Errors,
        },
      },
    },
    async (request) => {
      await staffOf(request, READ);
      return admin.search(request.query.q, request.query.limit ?? 20, request.query.cursor);
    },
  );

  app.get(
    '/api/admin/users/:id',
    {
      schema: {
        tags,
        summary: 'One account: devices, live sessions, plan, credits, karma and apps (support, admin)',
        security: bearer,
        params: Type.Object({ id: Id }),
        response: {
          200: Type.Object({
            ...UserSummary.properties,
            plan: Type.Object({ plan_code: Type.String(), status: Type.String() }),
            credits: Type.Object({ balance: Type.Integer(), lifetime_spent: Type.Integer() }),
            devices: Type.Array(
              Type.Object({
                device_id: Type.String(),
                device_type: Type.String(),
                device_name: Type.Union([Type.String(), Type.Null()]),
                last_seen: Timestamp,
                revoked_at: NullableTimestamp,
              }),
            ),
            sessions: Type.Array(
              Type.Object({
                session_id: Type.String(),
                device_id: Type.Union([Type.String(), Type.Null()]),
                ip_address: Type.Union([Type.String(), Type.Null()]),
                created_at: Timestamp,
                expires_at: Timestamp,
              }),
            ),
            karma: Type.Integer({ description: 'Upvotes from others on their published items, across apps' }),
            apps: Type.Array(
              Type.Object(
                { client_id: Type.String(), name: Type.String(), created_at: Timestamp },
                { description: 'An app they let sign in with CALOS, while that sign-in lasts' },
              ),
            ),
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      await staffOf(request, READ);
      return admin.account(request.params.id);
    },
  );

  app.post(
    '/api/admin/users/:id/sign-out',
    {
      schema: {
        tags,
        summary: 'End every session of an account (support, admin)',
        description: 'Refresh stops at once; services refuse its access tokens from the revocations feed.',
        security: bearer,
        params: Type.Object({ id: Id }),
        body: Type.Object(
          { reason: Reason },
          { additionalProperties: false, examples: [{ reason: 'Phone reported stolen (ticket 4711)' }] },
        ),
        response: { 200: Type.Object({ sessions_ended: Type.Integer() }), ...Errors },
      },
    },
    async (request) => {
      const actor = await staffOf(request, READ);
      return admin.signOutEverywhere(request.params.id, actor, request.body.reason);
    },
  );

  for (const [path, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post(
      `/api/admin/users/:id/${path}`,
      {
        schema: {
          tags,
          summary: disabled
            ? 'Disable an account: no sign-in, every session ended (support, admin)'
            : 'Enable a disabled account again (support, admin)',
          security: bearer,
          params: Type.Object({ id: Id }),
          body: Type.Object(
            { reason: Reason },
            { additionalProperties: false, examples: [{ reason: 'Spam reports, see ticket 4712' }] },
          ),
          response: {
            200: Type.Object({ disabled: Type.Boolean(), disabled_at: NullableTimestamp }),
            ...Errors,
          },
        },
      },
      async (request) => {
        const actor = await staffOf(request, READ);
        return admin.setDisabled(request.params.id, disabled, actor, request.body.reason);
      },
    );
  }

  app.put(
    '/api/admin/users/:id/plan',
    {
      schema: {
        tags,
        summary: 'Put an account on a plan, without payment (admin)',
        security: bearer,
        params: Type.Object({ id: Id }),
        body: Type.Object(
          { plan_code: Type.Enum(PLAN_CODES), reason: Reason },
          {
            additionalProperties: false,
            examples: [{ plan_code: 'family', reason: 'Goodwill after outage' }],
          },
        ),
        response: {
          200: Type.Object({ plan_code: Type.String(), status: Type.String() }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const actor = await staffOf(request, MONEY);
      const current = await admin.changePlan(
        request.params.id,
        request.body.plan_code,
        actor,
        request.body.reason,
      );
      return { plan_code: current.plan_code, status: current.status };
    },
  );

  app.post(
    '/api/admin/users/:id/credits',
    {
      schema: {
        tags,
        summary: 'Grant (amount > 0) or take back (amount < 0) credits, with a reason (admin)',
        description: 'A ledger entry names the staff member; a balance never goes below zero (409).',
        security: bearer,
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            amount: Type.Integer({ minimum: -MAX_ADJUSTMENT, maximum: MAX_ADJUSTMENT }),
            reason: Reason,
          },
          {
            additionalProperties: false,
            examples: [{ amount: 500, reason: 'Refund for failed generations' }],
          },
        ),
        response: {
          200: Type.Object({ balance: Type.Integer(), entry_id: Type.Union([Type.Integer(), Type.Null()]) }),
          409: ErrorResponse,
          ...Errors,
        },
      },
    },
    async (request) => {
      const actor = await staffOf(request, MONEY);
      return admin.adjustCredits(request.params.id, request.body.amount, actor, request.body.reason);
    },
  );

  app.get(
    '/api/admin/audit',
    {
      schema: {
        tags,
        summary: 'The staff audit log, newest first (admin of all; with domain, admin of that domain)',
        description:
          'Page with cursor=next_cursor; a cursor made with another domain or user_id is 400 INVALID_CURSOR.',
        security: bearer,
        querystring: Type.Object(
          {
            domain: Type.Optional(
              Type.Enum(
                STAFF_DOMAINS.filter((d) => d !== 'all'),
                {
                  description: 'Only this domain’s entries (then its admins may read them)',
                },
              ),
            ),
            user_id: Type.Optional(Type.String({ format: 'uuid' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
            cursor: Type.Optional(CursorParam),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                staff_audit_id: Type.Integer(),
                actor_label: Type.String(),
                action: Type.String(),
                subject_user_id: Type.Union([Type.String(), Type.Null()]),
                domain: Type.String(),
                reason: Type.Union([Type.String(), Type.Null()]),
                details: Type.Record(Type.String(), Type.Unknown()),
                created_at: Timestamp,
              }),
            ),
            next_cursor: Type.Union([Type.String(), Type.Null()], {
              description:
                'Pass as cursor for the next page (same domain and user_id); null on the last page',
            }),
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const domain = request.query.domain as Exclude<StaffDomain, 'all'> | undefined;
      await staffOf(request, ['admin'], domain ?? 'all');
      return admin.auditLog(
        { domain, user_id: request.query.user_id },
        request.query.limit ?? 50,
        request.query.cursor,
      );
    },
  );

  app.get(
    '/api/admin/ai-usage',
    {
      schema: {
        tags,
        summary: 'AI calls by app, model and instance, from the usage log (support, admin)',
        description:
          'Every app: staff of identity. One app (hollowtown, recipes, family): staff of that app’s domain.',
        security: bearer,
        querystring: Type.Object({
          since: SinceQuery,
          app: Type.Optional(Type.Enum(APP_DOMAINS)),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
        }),
        response: {
          200: Type.Object({
            since: Timestamp,
            items: Type.Array(
              Type.Object({
                app: Type.String(),
                model: Type.String(),
                provider: Type.String(),
                instance: Type.Union([Type.String(), Type.Null()]),
                calls: Type.Integer(),
                failed: Type.Integer({ description: 'Calls whose outcome was not ok' }),
                prompt_tokens: Type.Integer(),
                completion_tokens: Type.Integer(),
                credits: Type.Integer(),
                people: Type.Integer({ description: 'Distinct accounts' }),
              }),
            ),
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const app = request.query.app;
      await staffOf(request, READ, app ?? 'identity');
      const since = reportSince(request.query.since, deps.now());
      return {
        since,
        items: await admin.aiUsage(since, app ? [app] : undefined, request.query.limit ?? 200),
      };
    },
  );
}
