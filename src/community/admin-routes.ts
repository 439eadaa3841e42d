// The operator console's moderation queue of one app: /api/admin/moderation (the items reports
// hid, with their reports and decisions) and a decision on one (restore or remove, with a reason),
// for the app's moderators and admins (or those of `all`); anyone else is 403 STAFF_ROLE_REQUIRED.
// A decision is audited in the app (moderation_decisions), tells the author, and reaches
// identity's staff audit log and the author's security log, naming the staff member, through the
// app's outbox (written in the decision's transaction, so identity being away loses nothing).
import { Type } from 'typebox';
import { requireStaff, type StaffRoleLookup } from '../platform/auth/staff.ts';
import { CursorParam } from '../platform/http/pagination.ts';
import { bearer, ErrorResponse, Nullable, Page, Timestamp } from '../platform/http/schemas.ts';
import type { App } from '../platform/http/service.ts';
import { type Community, type ItemKind, MAX_DECISION_REASON } from './service.ts';

/** The parts of identity's client these routes use. */
export interface ModerationAuditSink {
  findUser(query: { userId: string }): Promise<{ username: string } | null>;
}

export const MODERATION_ROLES = ['moderator', 'admin'] as const;
const tags = ['admin'];

const Decision = Type.Object({
  decision: Type.String({ description: 'hidden, restored or removed' }),
  reason: Type.String(),
  decided_by: Type.String(),
  created_at: Timestamp,
});

const QueueEntry = Type.Object({
  item_kind: Type.String(),
  item_id: Type.String(),
  author_id: Type.String(),
  author: Nullable(Type.String({ description: 'The author’s username' })),
  item_title: Type.String(),
  state: Type.String({ description: 'hidden (waiting for review), restored or removed' }),
  reason: Nullable(Type.String()),
  open_reports: Type.Integer(),
  updated_at: Timestamp,
  reports: Type.Array(Type.Object({ reason: Type.String(), created_at: Timestamp })),
  decisions: Type.Array(Decision),
});

export function registerModerationAdminRoutes(
  app: App,
  options: {
    community: Community;
    kinds: readonly ItemKind[];
    staffRoles: StaffRoleLookup;
    identity: () => ModerationAuditSink;
  },
): void {
  const { community, staffRoles } = options;
  const domain = community.app;
  const usernames = async (ids: readonly string[]) => {
    const names = new Map<string, string | null>();
    for (const id of new Set(ids))
      names.set(id, (await options.identity().findUser({ userId: id }))?.username ?? null);
    return names;
  };

  app.get(
    '/api/admin/moderation',
    {
      schema: {
        tags,
        summary: 'The moderation queue: items reports hid, oldest first (moderator, admin)',
        security: bearer,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          cursor: Type.Optional(CursorParam),
        }),
        response: {
          200: Page(QueueEntry, 'The queue, oldest first, a page at a time'),
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (request) => {
      await requireStaff(request, staffRoles, domain, MODERATION_ROLES);
      const queue = await community.queue(request.query.limit ?? 50, request.query.cursor);
      const names = await usernames(queue.items.map((q) => q.author_id));
      return {
        items: queue.items.map((q) => ({ ...q, author: names.get(q.author_id) ?? null })),
        next_cursor: queue.next_cursor,
      };
    },
  );

  for (const [path, decision] of [
    ['restore', 'restored'],
    ['remove', 'removed'],
  ] as const) {
    app.post(
      `/api/admin/moderation/:kind/:id/${path}`,
      {
        schema: {
          tags,
          summary:
            decision === 'restored'
              ? 'Restore a reported item to the public pages (moderator, admin)'
              : 'Remove a reported item for good; its upvotes stop counting (moderator, admin)',
          description:
            'The author is told why; the decision is in the staff audit log and their security log.',
          security: bearer,
          params: Type.Object({
            kind: Type.Enum(options.kinds),
            id: Type.String({ maxLength: 100, description: 'A UUID' }),
          }),
          body: Type.Object(
            { reason: Type.String({ minLength: 1, maxLength: MAX_DECISION_REASON, pattern: '\\S' }) },
            {
              additionalProperties: false,
              examples: [
                { reason: decision === 'restored' ? 'Reports were unfounded' : 'Copied without credit' },
              ],
            },
          ),
          response: {
            200: Type.Object({
              item_id: Type.String(),
              state: Type.String(),
              decisions: Type.Array(Decision),
            }),
            400: ErrorResponse,
            401: ErrorResponse,
            403: ErrorResponse,
            404: ErrorResponse,
          },
        },
      },
      async (request) => {
        const staff = await requireStaff(request, staffRoles, domain, MODERATION_ROLES);
        const me = await options.identity().findUser({ userId: staff.userId });
        const kind = request.params.kind as ItemKind;
        const reason = request.body.reason.trim();
        const result = await community.review({
          kind,
          itemId: request.params.id,
          decision,
          reason,
          decidedBy: `staff:${me?.username ?? staff.userId}`,
          staffUserId: staff.userId,
        });
        return { item_id: request.params.id, state: result.state ?? decision, decisions: result.decisions };
      },
    );
  }
}
