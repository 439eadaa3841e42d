// The family chat: one conversation per family, kept live by the server's event stream. Messages
// are text and shown as text (React escapes it; nothing is rendered as HTML). Reading the page
// moves the read marker to the newest message.
import { useEffect, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/family.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import {
  Button,
  Empty,
  ErrorMessage,
  Form,
  formatDate,
  Loading,
  Section,
  SubmitRow,
  TextArea,
} from '../shared/components.tsx';
import { useAction } from '../shared/hooks.ts';
import { ShowMore, usePagedList } from '../shared/paged-list.tsx';
import { followStream, type StreamState } from '../shared/stream.ts';
import { CardPicker, type ChatCard, type ChatCards, MessageCard } from './chat-cards.tsx';
import { FamilyPicker, NeedsFamily, useFamily } from './family-choice.tsx';
import type { Family } from './model.ts';

type Message = Answer<paths, '/api/families/{id}/messages', 'post'>;
type Messages = Answer<paths, '/api/families/{id}/messages', 'get'>;

export function Chat(props: ViewProps) {
  const { families, family } = useFamily(props);
  return (
    <>
      <h1>Family chat</h1>
      {families.error && <ErrorMessage>{families.error}</ErrorMessage>}
      {!families.data ? (
        !families.error && <Loading />
      ) : !family ? (
        <NeedsFamily props={props} />
      ) : (
        <>
          <FamilyPicker props={props} families={families.data.items} family={family} />
          <Conversation key={family.family_id} props={props} family={family} />
        </>
      )}
    </>
  );
}

/** Messages a page: the newest page opens the chat, "Show older messages" adds the one before. */
const MESSAGES_PAGE = 50;

function Conversation({ props, family }: { props: ViewProps; family: Family }) {
  const { api, config, session, user } = props;
  const base = `/api/families/${family.family_id}/messages`;
  const [live, setLive] = useState<StreamState>();
  const [text, setText] = useState('');
  const [replyTo, setReplyTo] = useState<Message>();
  const [linkables, setLinkables] = useState<ChatCard[]>();
  const [linkChoice, setLinkChoice] = useState('');
  const send = useAction();
  const remove = useAction();
  // Newest first, as the API pages them; shown the other way round, oldest first.
  const list = usePagedList(
    (cursor, signal) => api<Messages>(base, { signal, query: { limit: MESSAGES_PAGE, cursor } }),
    [api, base],
    { keyOf: (m) => m.message_id, followsStream: true },
  );
  const messages = list.isLoaded ? list.items.slice().reverse() : undefined;

  // The newest page is read once the stream listens (or without it, if it cannot connect soon), so
  // a message written meanwhile comes on one or the other. The stream does not replay edits or
  // deletions after a drop, so each reconnect reads the newest page again and the older pages
  // shown go with it: their cursor joins the new newest page without a gap only if fewer than a
  // page arrived meanwhile, and what they show may have changed. Starting again from the newest
  // page keeps the cursor true; "Show older messages" brings them back.
  // biome-ignore lint/correctness/useExhaustiveDependencies: one stream per family; the list's methods read its latest state.
  useEffect(
    () =>
      followStream(
        `${config.api}${base}/stream`,
        () => session.accessToken(),
        (event) => {
          const message = JSON.parse(event.data) as Message;
          if (!message.message_id) return;
          // An edit or deletion of a message not shown stays out; a new one goes last.
          list.putLive({ item: message, onlyIfShown: event.event !== 'message.created' });
        },
        (state) => {
          setLive(state);
          list.streamChanged(state);
        },
      ),
    [config.api, base, session],
  );

  // What may be linked: read once per family and after each message sent (a thing may be done).
  // biome-ignore lint/correctness/useExhaustiveDependencies: read again when a message was sent.
  useEffect(() => {
    void api<ChatCards>(`${base}/links`)
      .then((page) => setLinkables(page.items))
      .catch(() => setLinkables([]));
  }, [api, base, send.busy]);

  const newest = messages?.at(-1)?.seq;
  useEffect(() => {
    if (newest) void api(`${base}/read`, { body: { seq: newest } }).catch(() => undefined);
  }, [api, base, newest]);

  const submit = () =>
    send.run(async () => {
      const [kind, id] = linkChoice.split(':');
      const sent = await api<Message>(base, {
        body: {
          body: text,
          ...(replyTo ? { reply_to: replyTo.message_id } : {}),
          ...(kind && id ? { link: { kind, id } } : {}),
        },
      });
      setText('');
      setReplyTo(undefined);
      setLinkChoice('');
      list.putLive({ item: sent });
    });
  const erase = (message: Message) =>
    remove.run(async () => {
      await api(`${base}/${message.message_id}`, { method: 'DELETE' });
      list.mapItems((m) => (m.message_id === message.message_id ? { ...m, body: '', is_deleted: true } : m));
    });
  const byId = new Map((messages ?? []).map((m) => [m.message_id, m]));
  const who = (m: Message) => (m.author_id === user?.user_id ? 'You' : (m.author_name ?? 'A former member'));

  return (
    <Section title={family.family_name}>
      <p className="muted" role="status">
        {live === 'live'
          ? 'Live'
          : live === 'reconnecting'
            ? 'Reconnecting…'
            : live === 'ended'
              ? 'No longer live: you are not in this family any more'
              : 'Connecting…'}
      </p>
      {list.error && <ErrorMessage>{list.error}</ErrorMessage>}
      {remove.error && <ErrorMessage>{remove.error}</ErrorMessage>}
      {/* Above the oldest message shown: the older ones come in above it. */}
      <ShowMore list={list} label="Show older messages" small />
      {!messages ? (
        !list.error && <Loading />
      ) : messages.length === 0 ? (
        <Empty>No messages yet. Say hello.</Empty>
      ) : (
        <ol className="list" aria-label="Messages">
          {messages.map((m) => {
            const parent = m.reply_to ? byId.get(m.reply_to) : undefined;
            const mayDelete = !m.is_deleted && (m.author_id === user?.user_id || family.my_role === 'admin');
            return (
              <li className="list-row" key={m.message_id}>
                <div>
                  <strong>{who(m)}</strong>{' '}
                  <span className="muted">
                    {formatDate(m.created_at, true)}
                    {m.edited_at ? ' · edited' : ''}
                  </span>
                  {parent && (
                    <div className="muted">
                      In reply to {who(parent)}:{' '}
                      {parent.is_deleted ? 'a deleted message' : parent.body.slice(0, 80)}
                    </div>
                  )}
                  <p style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
                    {m.is_deleted ? <em>This message was deleted.</em> : m.body}
                  </p>
                  {m.link && !m.is_deleted && (
                    <MessageCard card={m.link} props={props} familyId={family.family_id} />
                  )}
                </div>
                {!m.is_deleted && (
                  <div className="button-row">
                    <Button
                      small
                      variant="secondary"
                      onClick={() => setReplyTo(m)}
                      aria-label={`Reply to ${who(m)}: ${m.body.slice(0, 40)}`}
                    >
                      Reply
                    </Button>
                    {mayDelete && (
                      <Button
                        small
                        variant="secondary"
                        onClick={() => void erase(m)}
                        aria-label={`Delete ${who(m)}’s message: ${m.body.slice(0, 40)}`}
                      >
                        Delete
                      </Button>
                    )}
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      )}
      <Form onSubmit={submit} error={send.error} label="Write a message">
        {replyTo && (
          <p className="muted">
            Replying to {who(replyTo)}: {replyTo.body.slice(0, 80)}{' '}
            <Button small variant="link" onClick={() => setReplyTo(undefined)}>
              Cancel reply
            </Button>
          </p>
        )}
        <TextArea
          label="Message"
          required
          maxLength={4000}
          rows={3}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <CardPicker cards={linkables} value={linkChoice} onChange={setLinkChoice} />
        <SubmitRow busy={send.busy}>Send</SubmitRow>
      </Form>
    </Section>
  );
}
