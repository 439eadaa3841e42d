// Your notifications: reminders of the family's events and todos, newest first, kept live by the
// server's event stream; reading one (or all) brings the unread count down.
import { useEffect, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/family.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import { Button, Empty, ErrorMessage, formatDate, Loading, Section } from '../shared/components.tsx';
import { useAction } from '../shared/hooks.ts';
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

export function Notifications(props: ViewProps) {
  const { api, config, session } = props;
  const [page, setPage] = useState<NotificationPage>();
  const [live, setLive] = useState<StreamState>();
  const load = useAction();
  const read = useAction();

  const reload = () =>
    load.run(async () => {
      setPage(await api<NotificationPage>('/api/notifications', { query: { limit: 100 } }));
    });

  // biome-ignore lint/correctness/useExhaustiveDependencies: one stream per page; reload reads the same list.
  useEffect(
    () =>
      followStream(
        `${config.api}/api/notifications/stream`,
        () => session.accessToken(),
        (event) => {
          const notification = JSON.parse(event.data) as Notification;
          if (!notification.notification_id) return;
          setPage((current) =>
            !current || current.items.some((n) => n.notification_id === notification.notification_id)
              ? current
              : {
                  ...current,
                  items: [notification, ...current.items],
                  unread_count: current.unread_count + (notification.read_at ? 0 : 1),
                },
          );
        },
        (state) => {
          setLive(state);
          if (state === 'live') void reload();
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
      setPage(
        (current) =>
          current && {
            ...current,
            unread_count: answer.unread_count,
            items: current.items.map((n) =>
              !notification || n.notification_id === notification.notification_id
                ? { ...n, read_at: n.read_at ?? new Date().toISOString() }
                : n,
            ),
          },
      );
    });

  return (
    <>
      <h1>Notifications</h1>
      {(load.error || read.error) && <ErrorMessage>{load.error ?? read.error}</ErrorMessage>}
      <p className="muted" aria-live="polite">
        {page ? `${page.unread_count} unread` : ''}
        {live === 'reconnecting' && ' · reconnecting…'}
      </p>
      <PushToggle api={api} config={config} />
      {!page ? (
        <Loading />
      ) : (
        <Section title="Reminders">
          {page.items.length === 0 ? (
            <Empty>No reminders yet: add one to an event, a todo or a chore.</Empty>
          ) : (
            <>
              {page.unread_count > 0 && (
                <Button variant="secondary" small busy={read.busy} onClick={() => void markRead()}>
                  Mark all read
                </Button>
              )}
              <ul className="list" aria-label="Your notifications">
                {page.items.map((n) => (
                  <li className="list-row" key={n.notification_id}>
                    <div>
                      {n.read_at ? n.title : <strong>{n.title}</strong>}{' '}
                      <span className="tag">{n.kind === 'event_reminder' ? 'Event' : 'Todo'}</span>
                      {!n.read_at && <span className="tag">New</span>}
                      <div className="muted">
                        {n.kind === 'event_reminder' ? 'Starts' : 'Due'} {formatDate(n.occurrence_at, true)}{' '}
                        (reminder {ahead(n.minutes_before)})
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
            </>
          )}
        </Section>
      )}
    </>
  );
}
