// Votes, reports and moderation of the published items of one app, on that app's database.
// Every vote change and every moderation decision writes an event into the app's outbox in the
// same transaction (vote.changed, moderation.decided); the app's community consumer hands them
// to identity (karma, rewards, the author's notice) at least once, so a vote never fails because
// identity is briefly away, and identity applies each one once (versions and keys).
import type { Queryable } from '../platform/db/database.ts';
import type { AppError } from '../platform/errors.ts';
import { keyset } from '../platform/http/pagination.ts';
import { isUuid } from '../platform/ids.ts';
import { CommunityErrors } from './errors.ts';
import { enqueueStaffAction } from './staff-actions.ts';
import {
  activateVote,
  adjustTally,
  clearReports,
  countOpenReports,
  type DecisionRow,
  findModerationItem,
  type ItemKind,
  insertDecision,
  insertReport,
  isWithheld,
  listDecisions,
  listOpenReports,
  listQueue,
  lockItemModeration,
  type ModerationItemRow,
  type ModerationState,
  setModerationState,
  summariseItems,
  withdrawVote,
} from './store.ts';

export type { ItemKind, ModerationState } from './store.ts';

export const VOTE_CHANGED = 'vote.changed';

/** The moderation queue, oldest first (kind and id break ties); a cursor is bound to its app. */
const QUEUE = keyset('community.queue', { at: 'time', kind: 'text', id: 'uuid' });
export const MODERATION_DECIDED = 'moderation.decided';
export const MAX_REPORT_REASON = 500;
export const MAX_DECISION_REASON = 500;
export const PERIODS = ['day', 'week', 'month', 'year', 'all'] as const;
export type Period = (typeof PERIODS)[number];
const PERIOD_DAYS: Record<Period, number | null> = { day: 1, week: 7, month: 30, year: 365, all: null };

/** The earliest creation time a list filtered by this period shows; undefined for all. */
export function periodStart(period: Period | undefined, now: Date): Date | undefined {
  const days = period ? PERIOD_DAYS[period] : null;
  return days === null ? undefined : new Date(now.getTime() - days * 86_400_000);
}

/** What the app knows of one of its items. */
export interface CommunityItem {
  authorId: string;
  title: string;
  /** Published (or, for a shared gallery, always): others may see, vote on and report it. */
  isPublic: boolean;
}

export interface CommunityKind {
  find(db: Queryable, itemId: string): Promise<CommunityItem | undefined>;
  /** The app's 404 for this kind (RECIPE_NOT_FOUND…): not public looks like not there. */
  notFound(): AppError;
  /** Keeps a count the app stores beside the item in step (costume_ideas.upvotes), in the vote's transaction. */
  onCount?(tx: Queryable, itemId: string, votes: number): Promise<void>;
}

export interface CommunityOptions {
  app: 'hollowtown' | 'recipes';
  db: Queryable & { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> };
  now: () => Date;
  kinds: Partial<Record<ItemKind, CommunityKind>>;
  /** Writes an event into the app's outbox inside the caller's transaction. */
  enqueue(tx: Queryable, topic: string, payload: Record<string, unknown>, at: Date): Promise<void>;
  /** Distinct open reports that hide an item pending review. */
  reportsToHide: number;
}

export interface VoteState {
  votes: number;
  has_voted: boolean;
}

export interface ItemSummary extends VoteState {
  /** Set when moderation holds the item back (only its author sees it then). */
  moderation: { state: 'hidden' | 'removed'; reason: string | null } | null;
}

export interface QueueItem extends ModerationItemRow {
  reports: { reason: string; created_at: Date }[];
  decisions: DecisionRow[];
}

export type Community = ReturnType<typeof createCommunity>;

export function createCommunity(options: CommunityOptions) {
  const { db, app } = options;
  const kindOf = (kind: ItemKind) => {
    const found = options.kinds[kind];
    if (!found) throw new Error(`${app} has no ${kind} items`);
    return found;
  };

  /** The item if the public may act on it: published and not held back by moderation. */
  const publicItem = async (tx: Queryable, kind: ItemKind, itemId: string): Promise<CommunityItem> => {
    const spec = kindOf(kind);
    if (!isUuid(itemId)) throw spec.notFound();
    const item = await spec.find(tx, itemId);
    if (!item?.isPublic || (await isWithheld(tx, kind, itemId))) throw spec.notFound();
    return item;
  };

  const changeVote = async (kind: ItemKind, itemId: string, voterId: string, isActive: boolean) => {
    const at = options.now();
    return db.transaction(async (tx) => {
      const item = await publicItem(tx, kind, itemId);
      const version = isActive
        ? await activateVote(tx, kind, itemId, voterId, at)
        : await withdrawVote(tx, kind, itemId, voterId, at);
      if (version === undefined) {
        const [summary] = await summariseItems(tx, kind, [itemId], voterId);
        return { votes: summary?.votes ?? 0, has_voted: isActive };
      }
      const votes = await adjustTally(tx, kind, itemId, isActive ? 1 : -1);
      await kindOf(kind).onCount?.(tx, itemId, votes);
      await options.enqueue(
        tx,
        VOTE_CHANGED,
        {
          app,
          item_kind: kind,
          item_id: itemId,
          item_title: item.title.slice(0, 200),
          author_id: item.authorId,
          voter_id: voterId,
          is_active: isActive,
          version,
          at: at.toISOString(),
        },
        at,
      );
      return { votes, has_voted: isActive } satisfies VoteState;
    });
  };

  const decide = async (
    tx: Queryable,
    item: { kind: ItemKind; itemId: string; authorId: string; title: string },
    decision: ModerationState,
    reason: string,
    decidedBy: string,
    at: Date,
  ) => {
    await setModerationState(tx, item, decision, reason, at);
    const decisionId = await insertDecision(tx, {
      kind: item.kind,
      itemId: item.itemId,
      decision,
      reason,
      decidedBy,
      at,
    });
    await options.enqueue(
      tx,
      MODERATION_DECIDED,
      {
        app,
        item_kind: item.kind,
        item_id: item.itemId,
        item_title: item.title.slice(0, 200),
        author_id: item.authorId,
        decision,
        reason,
        decision_id: decisionId,
        at: at.toISOString(),
      },
      at,
    );
  };

  return {
    app,
    /** Idempotent: voting again changes nothing. */
    vote: (kind: ItemKind, itemId: string, voterId: string) => changeVote(kind, itemId, voterId, true),
    /** Idempotent: without a vote, nothing changes. */
    withdraw: (kind: ItemKind, itemId: string, voterId: string) => changeVote(kind, itemId, voterId, false),

    /** Counts, the viewer's vote and moderation state for items about to be shown. */
    async summaries(kind: ItemKind, itemIds: readonly string[], viewerId: string | null) {
      const rows = await summariseItems(db, kind, itemIds, viewerId);
      return new Map(
        rows.map((r): [string, ItemSummary] => [
          r.item_id,
          {
            votes: r.votes,
            has_voted: r.has_voted,
            moderation:
              r.state === 'hidden' || r.state === 'removed' ? { state: r.state, reason: r.reason } : null,
          },
        ]),
      );
    },

    /** Whether moderation keeps the item from everyone but its author. */
    isWithheld: (kind: ItemKind, itemId: string) => isWithheld(db, kind, itemId),

    /** One open report per person; the item is hidden once `reportsToHide` people reported it. */
    async report(kind: ItemKind, itemId: string, reporterId: string, rawReason: string) {
      const reason = rawReason.trim();
      const at = options.now();
      return db.transaction(async (tx) => {
        const item = await publicItem(tx, kind, itemId);
        await lockItemModeration(tx, kind, itemId);
        if (!(await insertReport(tx, { kind, itemId, reporterId, reason, at })))
          throw CommunityErrors.alreadyReported();
        const reports = await countOpenReports(tx, kind, itemId);
        const hidden = reports >= options.reportsToHide;
        if (hidden) {
          await decide(
            tx,
            { kind, itemId, authorId: item.authorId, title: item.title },
            'hidden',
            `Reported by ${reports} people; hidden until reviewed`,
            'system',
            at,
          );
        }
        return { reported: true as const, hidden };
      });
    },

    /**
     * One page of the items hidden pending review, oldest first, with their reports and decisions
     * so far; `cursor` is the previous page's next_cursor (a bad one is 400 INVALID_CURSOR).
     */
    async queue(limit = 50, cursor?: string): Promise<{ items: QueueItem[]; next_cursor: string | null }> {
      const after = QUEUE.decode(cursor, { app });
      const page = QUEUE.page(
        await listQueue(db, limit, after),
        limit,
        ({ cursor_at: _, ...row }) => row,
        (row) => ({ at: row.cursor_at, kind: row.item_kind, id: row.item_id }),
        { app },
      );
      const items = await Promise.all(
        page.items.map(async (row) => ({
          ...row,
          reports: await listOpenReports(db, row.item_kind, row.item_id),
          decisions: await listDecisions(db, row.item_kind, row.item_id),
        })),
      );
      return { items, next_cursor: page.next_cursor };
    },

    /** A reviewer's decision on an item in the queue (or one decided before): audited, the author told. */
    async review(input: {
      kind: ItemKind;
      itemId: string;
      decision: 'restored' | 'removed';
      reason: string;
      decidedBy: string;
      /** The staff member deciding from the console: the staff audit log hears of it from the outbox. */
      staffUserId?: string;
    }) {
      const reason = input.reason.trim();
      if (reason.length < 1 || reason.length > MAX_DECISION_REASON)
        throw CommunityErrors.invalidModerationInput(
          `a reason of 1 to ${MAX_DECISION_REASON} characters is needed`,
        );
      if (!isUuid(input.itemId)) throw CommunityErrors.moderationItemNotFound();
      const at = options.now();
      return db.transaction(async (tx) => {
        await lockItemModeration(tx, input.kind, input.itemId);
        const current = await findModerationItem(tx, input.kind, input.itemId);
        if (!current) throw CommunityErrors.moderationItemNotFound();
        const item = await kindOf(input.kind).find(tx, input.itemId);
        await decide(
          tx,
          {
            kind: input.kind,
            itemId: input.itemId,
            authorId: current.author_id,
            title: item?.title ?? current.item_title,
          },
          input.decision,
          reason,
          input.decidedBy,
          at,
        );
        await clearReports(tx, input.kind, input.itemId, at);
        if (input.staffUserId)
          await enqueueStaffAction(
            options.enqueue,
            tx,
            {
              app,
              actor_user_id: input.staffUserId,
              action: input.decision === 'restored' ? 'item.restored' : 'item.removed',
              subject_user_id: current.author_id,
              reason,
              details: {
                app,
                item_kind: input.kind,
                item_id: input.itemId,
                title: (item?.title ?? current.item_title).slice(0, 200),
              },
            },
            at,
          );
        return {
          ...(await findModerationItem(tx, input.kind, input.itemId)),
          decisions: await listDecisions(tx, input.kind, input.itemId),
        };
      });
    },
  };
}
