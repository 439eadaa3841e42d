// Hands an app's vote.changed, moderation.decided and staff.action events to identity, at least
// once, from the app's own outbox (identity applies each once: vote versions, mail per decision,
// audit entry per event key).
import { AppError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import { createOutboxConsumer, type OutboxConsumer, type OutboxSource } from '../platform/outbox-consumer.ts';
import { MODERATION_DECIDED, VOTE_CHANGED } from './service.ts';
import { STAFF_ACTION, type StaffActionPayload, staffActionKey } from './staff-actions.ts';

/** The parts of identity's client the consumer uses (structurally: identity's KarmaClient and NoticesClient). */
export interface CommunitySink {
  karma: {
    recordVote(report: {
      app: 'hollowtown' | 'recipes';
      itemKind: 'recipe' | 'costume' | 'plan';
      itemId: string;
      itemTitle: string;
      authorId: string;
      voterId: string;
      isActive: boolean;
      version: number;
      at: Date;
    }): Promise<unknown>;
    itemRemoved(item: {
      app: 'hollowtown' | 'recipes';
      itemKind: 'recipe' | 'costume' | 'plan';
      itemId: string;
      at: Date;
    }): Promise<unknown>;
  };
  notices: {
    moderationDecision(input: {
      userId: string;
      app: 'hollowtown' | 'recipes';
      itemKind: 'recipe' | 'costume' | 'plan';
      itemTitle: string;
      decision: 'hidden' | 'restored' | 'removed';
      reason: string;
      noticeKey?: string;
    }): Promise<void>;
  };
  staff: {
    recordAction(input: {
      actorUserId: string;
      domain: 'hollowtown' | 'recipes';
      action: string;
      subjectUserId: string | null;
      reason: string | null;
      details: Record<string, unknown>;
      idempotencyKey?: string;
    }): Promise<unknown>;
  };
}

export const COMMUNITY_CONSUMER = 'community';

export function createCommunityConsumer(options: {
  source: OutboxSource<{ eventId: number; topic: string; payload: Record<string, unknown> }>;
  sink: () => CommunitySink;
  logger: Logger;
  /** The app's clock, for decisions written before their events carried their time. */
  now: () => Date;
}): OutboxConsumer {
  const recordStaffAction = async (eventId: number, payload: Record<string, unknown>) => {
    const p = payload as unknown as StaffActionPayload;
    try {
      await options.sink().staff.recordAction({
        actorUserId: p.actor_user_id,
        domain: p.app,
        action: p.action,
        subjectUserId: p.subject_user_id,
        reason: p.reason,
        details: { ...p.details, acted_at: p.at },
        idempotencyKey: staffActionKey(p.app, eventId),
      });
    } catch (error) {
      // Identity answered that it will never take this entry (a malformed event): retrying
      // would hold back every vote and decision behind it. Unreachable or 5xx: retried.
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      options.logger.error(
        { err: error, eventId, action: p.action, code: error.code },
        'a staff action was refused by identity: not in the staff audit log',
      );
    }
  };
  return createOutboxConsumer({
    name: COMMUNITY_CONSUMER,
    source: options.source,
    logger: options.logger,
    async handle(event) {
      if (event.topic === STAFF_ACTION) return recordStaffAction(event.eventId, event.payload);
      // The payloads as service.ts writes them.
      const p = event.payload as {
        app: 'hollowtown' | 'recipes';
        item_kind: 'recipe' | 'costume' | 'plan';
        item_id: string;
        item_title: string;
        author_id: string;
        voter_id: string;
        is_active: boolean;
        version: number;
        at: string;
        decision: 'hidden' | 'restored' | 'removed';
        reason: string;
        decision_id?: string;
      };
      if (event.topic === VOTE_CHANGED) {
        await options.sink().karma.recordVote({
          app: p.app,
          itemKind: p.item_kind,
          itemId: p.item_id,
          itemTitle: p.item_title,
          authorId: p.author_id,
          voterId: p.voter_id,
          isActive: p.is_active,
          version: p.version,
          at: new Date(p.at),
        });
      } else if (event.topic === MODERATION_DECIDED) {
        // Removed for good: the item's upvotes no longer count for its author.
        if (p.decision === 'removed') {
          await options.sink().karma.itemRemoved({
            app: p.app,
            itemKind: p.item_kind,
            itemId: p.item_id,
            at: p.at ? new Date(p.at) : options.now(),
          });
        }
        await options.sink().notices.moderationDecision({
          userId: p.author_id,
          app: p.app,
          itemKind: p.item_kind,
          itemTitle: p.item_title,
          decision: p.decision,
          reason: p.reason,
          // Delivered at least once: identity mails each decision once. Events written before
          // decisions carried their id fall back to the outbox event's own id.
          noticeKey: `${p.app}:moderation:${p.decision_id ?? `event-${event.eventId}`}`,
        });
      }
    },
  });
}
