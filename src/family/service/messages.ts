// Family chat: one conversation per family for its members. Text only (links stay text, and the
// pages render it as text, never as HTML), plus at most one link to a thing of the family (a
// todo, a shopping item, a calendar event, a Hollowtown event), shown as a card read when the
// message is read; replies; authors edit and delete their own messages,
// admins delete any; a read marker per member gives unread counts; changes go out live over
// server-sent events to members only (a removed member's stream ends, see platform/http/sse.ts).
import type { NotifyHub } from '../../platform/db/notify-hub.ts';
import type { StreamAccess } from '../../platform/http/sse.ts';
import { consume, type Limiter } from '../../platform/rate-limit.ts';
import type { FamilyDeps } from '../deps.ts';
import { FamilyErrors } from '../errors.ts';
import type { FamilyLinks } from '../links.ts';
import { type CardRow, findCards, type LinkKind, linkableCards } from '../store/chat-cards.ts';
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
import { isUuid, MESSAGES, type Page } from './pages.ts';

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
  /** What the message links, as its card shows it now; null when it links nothing. */
  link: ChatCard | null;
}

/** A thing of the family a message links, as its card shows it. */
export interface ChatCard {
  kind: LinkKind;
  id: string;
  /** false once it is deleted or no longer the family's (the rest is then null). */
  available: boolean;
  title: string | null;
  /** Where it lives: a list's name, "repeats" for a recurring event, the app for another app's. */
  context: string | null;
  /** A due day (YYYY-MM-DD) or instant, an event's start or day. */
  when: string | null;
  /** A todo done or a shopping item checked; null for events. */
  done: boolean | null;
  list_id: string | null;
}

/** Things of each kind offered for linking. */
const LINKABLE_EACH = 20;
const DAY_MS = 86_400_000;

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
  links: FamilyLinks,
) {
  const { db } = deps;

  const cardOf = (row: CardRow): ChatCard => ({ ...row, available: true });
  const key = (kind: string, id: string) => `${kind}:${id}`;

  /** The cards of the things these messages link, by kind:id (missing: no longer available). */
  async function cardsOf(
    familyId: string,
    linked: { kind: LinkKind; id: string }[],
  ): Promise<Map<string, ChatCard>> {
    const own = linked.filter(
      (l): l is { kind: Exclude<LinkKind, 'hollowtown_event'>; id: string } => l.kind !== 'hollowtown_event',
    );
    const cards = new Map([...(await findCards(db, familyId, own))].map(([k, row]) => [k, cardOf(row)]));
    const halloween = linked.filter((l) => l.kind === 'hollowtown_event').map((l) => l.id);
    if (halloween.length > 0) {
      const entries = await links
        .dayEntriesById('hollowtown', familyId, halloween)
        .catch((error: unknown) => {
          deps.logger.warn({ err: error, familyId }, 'Hollowtown events for chat cards could not be read');
          return [];
        });
      for (const entry of entries) cards.set(key('hollowtown_event', entry.id), halloweenCard(entry));
    }
    return cards;
  }

  const halloweenCard = (entry: { id: string; summary: string; day: string }): ChatCard => ({
    kind: 'hollowtown_event',
    id: entry.id,
    available: true,
    title: entry.summary,
    context: 'Hollowtown',
    when: entry.day,
    done: null,
    list_id: null,
  });

  const linkOf = (row: MessageRow) =>
    row.link_kind && row.link_id ? { kind: row.link_kind, id: row.link_id } : undefined;

  /** The views of messages of one family, their cards read in one go. */
  async function views(familyId: string, rows: MessageRow[]): Promise<MessageView[]> {
    const cards = await cardsOf(
      familyId,
      rows.flatMap((row) => linkOf(row) ?? []),
    );
    return Promise.all(rows.map((row) => view(row, cards)));
  }

  async function view(row: MessageRow, cards: Map<string, ChatCard>): Promise<MessageView> {
    const link = linkOf(row);
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
      link: link
        ? (cards.get(key(link.kind, link.id)) ?? {
            ...link,
            available: false,
            title: null,
            context: null,
            when: null,
            done: null,
            list_id: null,
          })
        : null,
    };
  }

  const viewOne = async (row: MessageRow) => (await views(row.family_id, [row]))[0] as MessageView;

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
      query: { limit: number; cursor?: string },
    ): Promise<Page<MessageView>> {
      await families.familyOf(userId, familyId);
      // A cursor is bound to its family: another family's is refused, not read as a position here.
      const filters = { familyId };
      const after = MESSAGES.decode(query.cursor, filters);
      const rows = await listMessages(db, familyId, query.limit, after?.seq);
      const page = MESSAGES.page(
        rows,
        query.limit,
        (row) => row,
        (row) => ({ seq: Number(row.seq) }),
        filters,
      );
      return { items: await views(familyId, page.items), next_cursor: page.next_cursor };
    },

    async post(
      userId: string,
      familyId: string,
      input: { body: string; replyTo?: string; link?: { kind: LinkKind; id: string } },
    ): Promise<MessageView> {
      await families.familyOf(userId, familyId);
      const body = input.body.trim();
      if (body.length === 0) throw FamilyErrors.emptyMessage();
      if (input.replyTo !== undefined) {
        const parent = await messageOf(familyId, input.replyTo).catch(() => undefined);
        if (!parent) throw FamilyErrors.replyNotFound();
      }
      if (input.link && !(await cardsOf(familyId, [input.link])).has(key(input.link.kind, input.link.id))) {
        throw FamilyErrors.linkNotFound();
      }
      const limit = await consume(limiter, `${familyId}:${userId}`);
      if (!limit.allowed) throw FamilyErrors.chatRateLimited(Math.ceil(limit.resetMs / 1000));
      const row = await insertMessage(db, {
        familyId,
        authorId: userId,
        body,
        replyTo: input.replyTo ?? null,
        createdAt: deps.now(),
        link: input.link ?? null,
      });
      await announce(familyId, 'message.created', row.message_id);
      return viewOne(row);
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
      return viewOne(updated);
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

    /**
     * What the member may link in a message now: open todos of shared and chores lists, unchecked
     * shopping items, events from today on and Hollowtown events planned with the family.
     */
    async linkables(userId: string, familyId: string): Promise<ChatCard[]> {
      await families.familyOf(userId, familyId);
      const now = deps.now();
      const today = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
      const own = (await linkableCards(db, familyId, today, LINKABLE_EACH)).map(cardOf);
      const fromDay = today.toISOString().slice(0, 10);
      const toDay = new Date(today.getTime() + 365 * DAY_MS).toISOString().slice(0, 10);
      const others = await Promise.all(
        links.dayEntries.map((source) =>
          source(familyId, fromDay, toDay).catch((error: unknown) => {
            deps.logger.warn({ err: error, familyId }, 'entries of another app could not be read');
            return [];
          }),
        ),
      );
      return [
        ...own,
        ...others
          .flat()
          .filter((entry) => entry.domain === 'hollowtown')
          .slice(0, LINKABLE_EACH)
          .map(halloweenCard),
      ];
    },

    async unread(userId: string, familyId: string) {
      await families.familyOf(userId, familyId);
      return unreadOf(db, familyId, userId);
    },

    /** Moves the caller's read marker up to `seq` (never back). */
    async read(userId: string, familyId: string, seq: string) {
      await families.familyOf(userId, familyId);
      if (!SEQ.test(seq)) throw FamilyErrors.invalidSeq();
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
      return views(familyId, rows);
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
            if (row) deliver(kind, await viewOne(row));
          })
          .catch((error: unknown) => deps.logger.warn({ err: error, familyId }, 'chat delivery failed'));
      });
    },
  };
}
