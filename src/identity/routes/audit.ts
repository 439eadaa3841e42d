// /api/audit: the account's security log, newest first.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { decodeCursor, PageQuery, toPage } from '../../platform/http/pagination.ts';
import { Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import type { IdentityDeps } from '../deps.ts';
import { listAudit } from '../store/audit.ts';
import { bearer, ErrorResponse } from './schemas.ts';

const isAuditCursor = (value: unknown): value is { before: number } =>
  typeof value === 'object' && value !== null && Number.isInteger((value as { before?: unknown }).before);

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
      const cursor = decodeCursor(request.query.cursor, isAuditCursor);
      const rows = await listAudit(deps.db, user.userId, limit + 1, cursor?.before);
      return toPage(
        rows,
        limit,
        (row) => ({
          event: row.event,
          ip_address: row.ip_address,
          user_agent: row.user_agent,
          details: row.details,
          created_at: row.created_at,
        }),
        (row) => ({ before: row.audit_id }),
      );
    },
  );
}
