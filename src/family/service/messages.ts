// Family chat: one conversation per family for its members. Text only (links stay text, and the
// pages render it as text, never as HTML); replies; authors edit and delete their own messages,
// admins delete any; a read marker per member gives unread counts; changes go out live over
// server-sent events to members only (a removed member's stream ends, see platform/http/sse.ts).
import type { NotifyHub } from '../../platform/db/notify-hub.ts';
import type { StreamAccess } from '../../platform/http/sse.ts';
import { consume, type Limiter } from '../../platform/rate-limit.ts';
import type { FamilyDeps } from '../deps.ts';
import { FamilyErrors } from '../errors.ts';
import { findRole } from '../store/families.ts';
import {
  findMessage,
  insertMessage,
  listMessages,
  listMessagesAfter,
  type MessageRow,
  markMessageDeleted,
  markRead,
  unreadOf,
  updateMessageBody,
} from '../store/messages.ts';
import type { FamilyService } from './families.ts';
import { isUuid } from './pages.ts';

export const MAX_MESSAGE_LENGTH = 4000;
/** Messages one member may post to one family per minute. */
export const MESSAGES_PER_MINUTE = 30;

export interface MessageView {
  message_id: string;
  /** Position in the conversation (ascending); read markers name it. */
  seq: string;
  family_id: string;
  author_id: string | null;
  author_name: string | null;
  body: string;
  reply_to: string | null;
  created_at: Date;
  edited_at: Date | null;
  is_deleted: boolean;
}

export type MessageEventKind = 'message.created' | 'message.updated' | 'message.deleted';

const SEQ = /^\d{1,18}$/;
/** A stream that reconnects gets at most this many missed messages; the rest come with the next page load. */
export const MAX_REPLAYED = 500;

export type MessageService = ReturnType<typeof createMessageService>;

export function createMessageService(
  deps: FamilyDeps,
  families: FamilyService,
  hub: NotifyHub,
  familyAccess: NotifyHub,
  limiter: Limiter,
) {
  const { db } = deps;

  async function view(row: MessageRow): Promise<MessageView> {
    const author = row.author_id ? await deps.identity().findUser({ userId: row.author_id }) : null;
    return {
      message_id: row.message_id,
      seq: row.seq,
      family_id: row.family_id,
      author_id: row.author_id,
      author_name: author ? (author.displayName ?? author.username) : null,
      body: row.body,
      reply_to: row.reply_to,
      created_at: row.created_at,
      edited_at: row.edited_at,
      is_deleted: row.deleted_at !== null,
    };
  }

  async function messageOf(familyId: string, messageId: string): Promise<MessageRow> {
    const row = isUuid(messageId) ? await findMessage(db, familyId, messageId) : undefined;
    if (!row) throw FamilyErrors.messageNotFound();
    return row;
  }

  const announce = (familyId: string, kind: MessageEventKind, messageId: string) =>
    hub.publish(familyId, { kind, message_id: messageId }).catch((error: unknown) => {
      deps.logger.warn({ err: error, familyId }, 'chat notify failed');
    });

  return {
    async list(
      userId: string,
      familyId: string,
      query: { limit: number; before?: string },
    ): Promise<{ items: MessageView[]; next_before: string | null }> {
      await families.familyOf(userId, familyId);
      if (query.before !== undefined && !SEQ.test(query.before)) throw FamilyErrors.invalidCursor();
      const rows = await listMessages(db, familyId, query.limit, query.before);
      const page = rows.slice(0, query.limit);
      return {
        items: await Promise.all(page.map(view)),
        next_before: rows.length > query.limit ? (page.at(-1)?.seq ?? null) : null,
      };
    },

    async post(
      userId: string,
      familyId: string,
      input: { body: string; replyTo?: string },
    ): Promise<MessageView> {
      await families.familyOf(userId, familyId);
      const body = input.body.trim();
      if (body.length === 0) throw FamilyErrors.emptyMessage();
      if (input.replyTo !== undefined) {
        const parent = await messageOf(familyId, input.replyTo).catch(() => undefined);
        if (!parent) throw FamilyErrors.replyNotFound();
      }
      const limit = await consume(limiter, `${familyId}:${userId}`);
      if (!limit.allowed) throw FamilyErrors.chatRateLimited(Math.ceil(limit.resetMs / 1000));
      const row = await insertMessage(db, {
        familyId,
        authorId: userId,
        body,
        replyTo: input.replyTo ?? null,
        createdAt: deps.now(),
      });
      await announce(familyId, 'message.created', row.message_id);
      return view(row);
    },

    /** Authors edit their own messages (a deleted one is gone for good). */
    async edit(userId: string, familyId: string, messageId: string, body: string): Promise<MessageView> {
      await families.familyOf(userId, familyId);
      const row = await messageOf(familyId, messageId);
      if (row.deleted_at) throw FamilyErrors.messageNotFound();
      if (row.author_id !== userId) throw FamilyErrors.messageNotYours();
      const text = body.trim();
      if (text.length === 0) throw FamilyErrors.emptyMessage();
      const updated = await updateMessageBody(db, row.message_id, text, deps.now());
      await announce(familyId, 'message.updated', row.message_id);
      return view(updated);
    },

    /** Authors delete their own messages; admins delete any. */
    async remove(userId: string, familyId: string, messageId: string): Promise<void> {
      const family = await families.familyOf(userId, familyId);
      const row = await messageOf(familyId, messageId);
      if (row.deleted_at) throw FamilyErrors.messageNotFound();
      if (row.author_id !== userId && family.my_role !== 'admin') throw FamilyErrors.messageNotYours();
      await markMessageDeleted(db, row.message_id, userId, deps.now());
      await announce(familyId, 'message.deleted', row.message_id);
    },

    async unread(userId: string, familyId: string) {
      await families.familyOf(userId, familyId);
      return unreadOf(db, familyId, userId);
    },

    /** Moves the caller's read marker up to `seq` (never back). */
    async read(userId: string, familyId: string, seq: string) {
      await families.familyOf(userId, familyId);
      if (!SEQ.test(seq)) throw FamilyErrors.invalidCursor();
      await markRead(db, familyId, userId, seq);
      return unreadOf(db, familyId, userId);
    },

    /** Who may follow the chat live: a member, re-checked whenever the family's members change. */
    async streamAccess(userId: string, familyId: string): Promise<StreamAccess> {
      await families.familyOf(userId, familyId);
      return {
        check: async () => (await findRole(db, familyId, userId)) !== undefined,
        watch: (onChange) => familyAccess.subscribe(familyId, onChange),
      };
    },

    /**
     * The messages after `afterSeq` (a stream's Last-Event-ID), oldest first, at most
     * MAX_REPLAYED: what a reconnecting stream missed. Undefined for a value that is no seq.
     */
    async missedSince(familyId: string, afterSeq: string): Promise<MessageView[] | undefined> {
      if (!SEQ.test(afterSeq)) return undefined;
      const rows = await listMessagesAfter(db, familyId, afterSeq, MAX_REPLAYED);
      return Promise.all(rows.map(view));
    },

    /** Calls `deliver` with each change to the family's messages, in order; resolves once listening. */
    async follow(
      familyId: string,
      deliver: (kind: MessageEventKind, message: MessageView) => void,
    ): Promise<() => void> {
      let chain = Promise.resolve();
      return hub.subscribe(familyId, (payload) => {
        const kind = payload.kind as MessageEventKind;
        const messageId = payload.message_id;
        if (typeof messageId !== 'string') return;
        chain = chain
          .then(async () => {
            const row = await findMessage(db, familyId, messageId);
            if (row) deliver(kind, await view(row));
          })
          .catch((error: unknown) => deps.logger.warn({ err: error, familyId }, 'chat delivery failed'));
      });
    },
  };
}
