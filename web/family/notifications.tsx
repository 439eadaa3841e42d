// Your notifications: reminders of the family's events and todos, newest first, kept live by the
// server's event stream; reading one (or all) brings the unread count down.
import { useEffect, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/family.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import { Button, Empty, ErrorMessage, formatDate, Loading, Section } from '../shared/components.tsx';
import { useAction } from '../shared/hooks.ts';
import { ShowMore, usePagedList } from '../shared/paged-list.tsx';
import { followStream, type StreamState } from '../shared/stream.ts';
import { PushToggle } from './push-toggle.tsx';

type NotificationPage = Answer<paths, '/api/notifications', 'get'>;
type Notification = NotificationPage['items'][number];

/** "1 hour before", "2 days before", "15 minutes before", "at the time". */
function ahead(minutes: number): string {
  if (minutes === 0) return 'at the time';
  const [amount, unit] =
    minutes % 1440 === 0
      ? [minutes / 1440, 'day']
      : minutes % 60 === 0
        ? [minutes / 60, 'hour']
        : [minutes, 'minute'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'} before`;
}

/** Notifications a page; "Show more" adds the older ones below. */
const NOTIFICATIONS_PAGE = 50;

export function Notifications(props: ViewProps) {
  const { api, config, session } = props;
  const [live, setLive] = useState<StreamState>();
  const read = useAction();
  // The unread count is the newest page's, then what arrives and what a mark-read answers; the
  // older pages answer one too, but from another moment, so theirs is not used.
  const list = usePagedList(
    (cursor, signal) =>
      api<NotificationPage>('/api/notifications', { signal, query: { limit: NOTIFICATIONS_PAGE, cursor } }),
    [api],
    { keyOf: (n) => n.notification_id, followsStream: true },
  );
  const page = list.firstPage;

  // The newest page is read once the stream listens (or without it, if it cannot connect soon), so
  // a notification made meanwhile comes on one or the other. Each reconnect reads the newest page
  // again (the stream does not replay what came while it was down) and the older pages shown go
  // with it: their cursor joins the new first page without a gap only if less than a page arrived
  // meanwhile, and their read marks may have changed elsewhere. Starting again from the newest
  // page keeps the cursor and the count true.
  // biome-ignore lint/correctness/useExhaustiveDependencies: one stream per page; the list's methods read its latest state.
  useEffect(
    () =>
      followStream(
        `${config.api}/api/notifications/stream`,
        () => session.accessToken(),
        (event) => {
          const notification = JSON.parse(event.data) as Notification;
          if (!notification.notification_id) return;
          list.putLive({
            item: notification,
            onNew: (first) => ({
              ...first,
              unread_count: first.unread_count + (notification.read_at ? 0 : 1),
            }),
          });
        },
        (state) => {
          setLive(state);
          list.streamChanged(state);
        },
      ),
    [config.api, session],
  );

  const markRead = (notification?: Notification) =>
    read.run(async () => {
      const path = notification
        ? `/api/notifications/${notification.notification_id}/read`
        : '/api/notifications/read';
      const answer = await api<Answer<paths, '/api/notifications/read', 'post'>>(path, { method: 'POST' });
      list.updateFirst((first) => ({ ...first, unread_count: answer.unread_count }));
      // Every page shown, the older ones too: the server marked all of them, at the time it
      // answers (one read before keeps its own).
      list.mapItems((n) =>
        !notification || n.notification_id === notification.notification_id
          ? { ...n, read_at: n.read_at ?? answer.read_at }
          : n,
      );
    });

  return (
    <>
      <h1>Notifications</h1>
      {(list.error || read.error) && <ErrorMessage>{list.error ?? read.error}</ErrorMessage>}
      <p className="muted" aria-live="polite">
        {page ? `${page.unread_count} unread` : ''}
        {live === 'reconnecting' && ' · reconnecting…'}
      </p>
      <PushToggle api={api} config={config} />
      {!page ? (
        !list.error && <Loading />
      ) : (
        <Section title="Reminders">
          {list.items.length === 0 ? (
            <Empty>No reminders yet: add one to an event, a todo or a chore.</Empty>
          ) : (
            <>
              {page.unread_count > 0 && (
                <Button variant="secondary" small busy={read.busy} onClick={() => void markRead()}>
                  Mark all read
                </Button>
              )}
              <ul className="list" aria-label="Your notifications">
                {list.items.map((n) => (
                  <li className="list-row" key={n.notification_id}>
                    <div>
                      {n.read_at ? n.title : <strong>{n.title}</strong>}{' '}
                      <span className="tag">{n.kind === 'event_reminder' ? 'Event' : 'Todo'}</span>
                      {!n.read_at && <span className="tag">New</span>}
                      <div className="muted">
                        {n.kind === 'event_reminder' ? 'Starts' : 'Due'} {formatDate(n.occurrence_at, true)}{' '}
                        (reminder {ahead(n.minutes_before)})
                        {n.read_at && ` · read ${formatDate(n.read_at, true)}`}
                      </div>
                    </div>
                    {!n.read_at && (
                      <Button
                        small
                        variant="secondary"
                        aria-label={`Mark read: ${n.title}`}
                        onClick={() => void markRead(n)}
                      >
                        Mark read
                      </Button>
                    )}
                  </li>
                ))}
              </ul>
              <ShowMore list={list} label="Show more" small />
            </>
          )}
        </Section>
      )}
    </>
  );
}
