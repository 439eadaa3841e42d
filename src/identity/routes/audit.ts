// /api/audit: the account's security log, newest first.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { keyset, PageQuery } from '../../platform/http/pagination.ts';
import { Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import type { IdentityDeps } from '../deps.ts';
import { listAudit } from '../store/audit.ts';
import { bearer, ErrorResponse } from './schemas.ts';

/** Newest first, by audit id. */
const AUDIT = keyset('identity.audit', { id: 'bigint' });

export function registerAuditRoutes(app: App, deps: IdentityDeps) {
  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['account'],
        summary: 'Security events of this account (sign-ins, failures, devices, keys, password)',
        security: bearer,
        querystring: PageQuery,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                event: Type.String(),
                ip_address: Type.Union([Type.String(), Type.Null()]),
                user_agent: Type.Union([Type.String(), Type.Null()]),
                details: Type.Record(Type.String(), Type.Unknown()),
                created_at: Timestamp,
              }),
            ),
            next_cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
        },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const limit = request.query.limit ?? 20;
      const after = AUDIT.decode(request.query.cursor);
      const rows = await listAudit(deps.db, user.userId, limit + 1, after?.id);
      return AUDIT.page(
        rows,
        limit,
        (row) => ({
          event: row.event,
          ip_address: row.ip_address,
          user_agent: row.user_agent,
          details: row.details,
          created_at: row.created_at,
        }),
        (row) => ({ id: row.audit_id }),
      );
    },
  );
}
