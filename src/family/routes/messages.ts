// /api/families/:id/messages: the family's chat, its read marker and its live stream.
import { Type } from 'typebox';
import type { Affiliate, Linker } from '../../affiliate/index.ts';
import { affiliateDisclosureField, buyLinksField, linkerFor } from '../../affiliate/routes.ts';
import { requireUser } from '../../platform/auth/guard.ts';
import { CursorParam } from '../../platform/http/pagination.ts';
import { Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import { lastEventId, openSse } from '../../platform/http/sse.ts';
import { FamilyErrors } from '../errors.ts';
import {
  MAX_MESSAGE_LENGTH,
  MAX_REPLAYED,
  MESSAGES_PER_MINUTE,
  type MessageService,
} from '../service/messages.ts';
import { bearer, ErrorResponse, idsOrNotFound, NoContent, PageOf, Uuid } from './schemas.ts';

const FamilyParams = Type.Object({ id: Uuid('The family_id') });
const MessageParams = Type.Object({ id: Uuid('The family_id'), messageId: Uuid('The message_id') });
const familyIds = idsOrNotFound({ id: FamilyErrors.familyNotFound });
const messageIds = idsOrNotFound({
  id: FamilyErrors.familyNotFound,
  messageId: FamilyErrors.messageNotFound,
});
const Seq = Type.String({ pattern: '^\\d{1,18}$', description: 'A message position (seq)' });
const Body = Type.String({
  minLength: 1,
  maxLength: MAX_MESSAGE_LENGTH,
  pattern: '\\S',
  description: `Plain text (links stay text), at most ${MAX_MESSAGE_LENGTH} characters`,
});

const LinkKind = Type.Union(
  [
    Type.Literal('todo'),
    Type.Literal('shopping_item'),
    Type.Literal('event'),
    Type.Literal('hollowtown_event'),
  ],
  { description: 'What is linked: a todo item, a shopping-list item, a calendar event, a Hollowtown event' },
);
const NullableText = (description: string) => Type.Union([Type.String(), Type.Null()], { description });
const Card = Type.Object(
  {
    kind: LinkKind,
    id: Uuid('The linked thing’s id (item_id, event_id)'),
    available: Type.Boolean({ description: 'false once it is deleted or no longer the family’s' }),
    title: NullableText('Its title, read now'),
    context: NullableText('Where it lives: the list, "repeats" for a recurring event, or the app'),
    when: NullableText('A due day (YYYY-MM-DD) or instant, an event’s start or day'),
    done: Type.Union([Type.Boolean(), Type.Null()], { description: 'Done or checked; null for events' }),
    list_id: NullableText('The list it is on (todos, shopping items)'),
    // A shopping item's "Buy at …" links, and the disclosure shown with them.
    ...buyLinksField,
    ...affiliateDisclosureField,
  },
  { description: 'A thing of the family that a message links, as a card' },
);

/** A message whose card is a shopping item still there gets that item's links (when any). */
function withCardLinks<M extends { link: { kind: string; available: boolean; title: string | null } | null }>(
  linker: Linker,
  message: M,
): M {
  const card = message.link;
  if (!linker.enabled || !card || card.kind !== 'shopping_item' || !card.available || !card.title)
    return message;
  const links = linker.linksFor('grocery', card.title);
  return {
    ...message,
    link: { ...card, buy_links: links, affiliate_disclosure: links.length > 0 ? linker.disclosure : null },
  };
}

const Message = Type.Object({
  message_id: Uuid('The message'),
  seq: Type.String({ description: 'Position in the conversation, ascending' }),
  family_id: Uuid('The family'),
  author_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
    description: 'null once the author’s account is deleted',
  }),
  author_name: Type.Union([Type.String(), Type.Null()]),
  body: Type.String({ description: 'Empty once deleted' }),
  reply_to: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  created_at: Timestamp,
  edited_at: Type.Unsafe<Date | string | null>({
    anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }],
  }),
  is_deleted: Type.Boolean(),
  link: Type.Union([Card, Type.Null()], { description: 'What the message links, as a card; null for none' }),
});
const Unread = Type.Object({
  last_read_seq: Type.String(),
  unread_count: Type.Integer({ minimum: 0, description: 'Messages by others after your read marker' }),
});

export function registerMessageRoutes(app: App, messages: MessageService, affiliate?: Affiliate): void {
  const tags = ['Chat'];
  const notFound = 'Another family’s id answers 404 FAMILY_NOT_FOUND, like one that does not exist.';

  app.get(
    '/api/families/:id/messages',
    {
      schema: {
        tags,
        summary: 'The family chat, newest first',
        description: `Page back with cursor=next_cursor (a cursor of another family is 400 INVALID_CURSOR). ${notFound}`,
        security: bearer,
        params: FamilyParams,
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
            cursor: Type.Optional(CursorParam),
          },
          { additionalProperties: false },
        ),
        response: {
          200: PageOf(Message, 'One page of messages, newest first'),
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
      preValidation: familyIds,
    },
    async (request) => {
      const { userId } = requireUser(request);
      const page = await messages.list(userId, request.params.id, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      });
      const linker = await linkerFor(affiliate, userId);
      return { ...page, items: page.items.map((m) => withCardLinks(linker, m)) };
    },
  );

  app.post(
    '/api/families/:id/messages',
    {
      schema: {
        tags,
        summary: 'Write to the family chat (any member)',
        description: `At most ${MESSAGES_PER_MINUTE} messages a minute per member and family (429 RATE_LIMITED). reply_to names a message of the same chat (400 REPLY_NOT_FOUND otherwise). link names one thing of the family, shown as a card (see …/messages/links for what may be linked; 400 LINK_NOT_FOUND otherwise). ${notFound}`,
        security: bearer,
        params: FamilyParams,
        body: Type.Object(
          {
            body: Body,
            reply_to: Type.Optional(Type.String({ format: 'uuid' })),
            link: Type.Optional(
              Type.Object(
                { kind: LinkKind, id: Type.String({ format: 'uuid' }) },
                { additionalProperties: false },
              ),
            ),
          },
          {
            additionalProperties: false,
            examples: [
              { body: 'Who is picking up Pugsley today?' },
              {
                body: 'Can someone take this one?',
                link: { kind: 'todo', id: '8d5b2a0e-4a43-4c55-9a0b-2f1c3c8f9a11' },
              },
            ],
          },
        ),
        response: {
          201: Message,
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          429: ErrorResponse,
        },
      },
      preValidation: familyIds,
    },
    async (request, reply) => {
      const { userId } = requireUser(request);
      const message = await messages.post(userId, request.params.id, {
        body: request.body.body,
        replyTo: request.body.reply_to,
        link: request.body.link,
      });
      return reply.status(201).send(withCardLinks(await linkerFor(affiliate, userId), message));
    },
  );

  app.patch(
    '/api/families/:id/messages/:messageId',
    {
      schema: {
        tags,
        summary: 'Edit your own message',
        description: 'Someone else’s is 403 MESSAGE_NOT_YOURS; a deleted one 404.',
        security: bearer,
        params: MessageParams,
        body: Type.Object(
          { body: Body },
          { additionalProperties: false, examples: [{ body: 'I am, at 4.' }] },
        ),
        response: {
          200: Message,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
      preValidation: messageIds,
    },
    async (request) => {
      const { userId } = requireUser(request);
      const message = await messages.edit(
        userId,
        request.params.id,
        request.params.messageId,
        request.body.body,
      );
      return withCardLinks(await linkerFor(affiliate, userId), message);
    },
  );

  app.delete(
    '/api/families/:id/messages/:messageId',
    {
      schema: {
        tags,
        summary: 'Delete your own message (admins: any)',
        description: 'It keeps its place in the conversation, without its text (is_deleted).',
        security: bearer,
        params: MessageParams,
        response: { 204: NoContent, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
      preValidation: messageIds,
    },
    async (request, reply) => {
      await messages.remove(requireUser(request).userId, request.params.id, request.params.messageId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/families/:id/messages/links',
    {
      schema: {
        tags,
        summary: 'What you may link in a message now, as cards',
        description:
          'Open todos of shared and chores lists, unchecked shopping items, events from today on, and Hollowtown ' +
          `events planned with the family (when Hollowtown is reachable): up to 20 of each. ${notFound}`,
        security: bearer,
        params: FamilyParams,
        response: { 200: Type.Object({ items: Type.Array(Card) }), 401: ErrorResponse, 404: ErrorResponse },
      },
      preValidation: familyIds,
    },
    async (request) => ({ items: await messages.linkables(requireUser(request).userId, request.params.id) }),
  );

  app.get(
    '/api/families/:id/messages/unread',
    {
      schema: {
        tags,
        summary: 'Your read marker and unread count',
        security: bearer,
        params: FamilyParams,
        response: { 200: Unread, 401: ErrorResponse, 404: ErrorResponse },
      },
      preValidation: familyIds,
    },
    async (request) => messages.unread(requireUser(request).userId, request.params.id),
  );

  app.post(
    '/api/families/:id/messages/read',
    {
      schema: {
        tags,
        summary: 'Mark the chat read up to a message',
        description: 'The marker only moves forward.',
        security: bearer,
        params: FamilyParams,
        body: Type.Object({ seq: Seq }, { additionalProperties: false, examples: [{ seq: '42' }] }),
        response: { 200: Unread, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
      preValidation: familyIds,
    },
    async (request) => messages.read(requireUser(request).userId, request.params.id, request.body.seq),
  );

  app.get(
    '/api/families/:id/messages/stream',
    {
      schema: {
        tags,
        summary: 'Follow the chat live (server-sent events)',
        description:
          'Events message.created, message.updated and message.deleted, each with the message; the id of each ' +
          'event is the seq of its message. A client that reconnects with Last-Event-ID (browsers do) first ' +
          `gets every message after that seq as message.created (at most ${MAX_REPLAYED}, oldest first), then ` +
          'the live events (a client that cannot set the header sends ?last_event_id=). The stream ends (event end, ' +
          'reason access_ended) as soon as the caller is no longer a member.',
        security: bearer,
        params: FamilyParams,
        querystring: Type.Object({ last_event_id: Type.Optional(Type.String({ maxLength: 20 })) }),
        response: { 401: ErrorResponse, 404: ErrorResponse },
      },
      preValidation: familyIds,
    },
    async (request, reply) => {
      const user = requireUser(request);
      // Throws 404 before anything is sent when the caller is not a member.
      const access = await messages.streamAccess(user.userId, request.params.id);
      const linker = await linkerFor(affiliate, user.userId);
      let stream: ReturnType<typeof openSse> | undefined;
      // Listening starts before the stream opens; what arrives in between waits for it.
      const early: { id: string; event: string; data: unknown }[] = [];
      // The newest message replayed: a creation at or below it was sent already (its notice
      // can still arrive after the replay was read, when notices lag behind the database).
      let replayedUpTo = -1n;
      const sentAlready = (event: { id: string; event: string }) =>
        event.event === 'message.created' && BigInt(event.id) <= replayedUpTo;
      const unsubscribe = await messages.follow(request.params.id, (kind, message) => {
        const event = { id: message.seq, event: kind, data: withCardLinks(linker, message) };
        if (!stream) early.push(event);
        else if (!sentAlready(event)) stream.send(event);
      });
      // What a reconnecting client missed comes first, then what arrived while it was read.
      const from = lastEventId(request);
      const missed = from === undefined ? undefined : await messages.missedSince(request.params.id, from);
      stream = openSse(request, reply, { access });
      for (const message of missed ?? []) {
        replayedUpTo = BigInt(message.seq);
        stream.send({ id: message.seq, event: 'message.created', data: withCardLinks(linker, message) });
      }
      for (const event of early.splice(0)) if (!sentAlready(event)) stream.send(event);
      await stream.closed;
      unsubscribe();
    },
  );
}
