// The family calendar's private iCal links: make one for a phone's calendar app (its address is
// shown once, with a copy button), see which links exist, and revoke one so it stops working.
import { useRef, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/family.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import { Button, Empty, ErrorMessage, Loading, Notice, Section, TextField } from '../shared/components.tsx';
import { ConfirmStep } from '../shared/confirm-step.tsx';
import { ApiError } from '../shared/errors.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import { type Family, type Member, memberName } from './model.ts';

type IcalFeeds = Answer<paths, '/api/families/{id}/ical', 'get'>;
type IcalFeed = IcalFeeds['items'][number];

/**
 * The feed's address as calendar apps must use it: the Family service names it under its
 * /family prefix, which on the app's own host (where the prefix is implied) answers 404, so the
 * file name is put under the same API root this page already reaches the service at.
 */
function feedAddress(serverUrl: string, apiRoot: string): string {
  const file = /\/ical\/([A-Za-z0-9_-]+\.ics)$/.exec(serverUrl)?.[1];
  return file ? new URL(`${apiRoot}/ical/${file}`, location.origin).toString() : serverUrl;
}

const PLAN_LABELS: Record<string, string> = { pro: 'Premium', family: 'Family', enterprise: 'Enterprise' };
const planLabel = (code: string) => PLAN_LABELS[code] ?? code;

/** With seconds, so two links made in the same minute can be told apart. */
const formatMoment = (value: string | null) =>
  value ? new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }) : '—';

type CreatedFeed = Answer<paths, '/api/families/{id}/ical', 'post'>;

export function IcalLinks({
  props,
  family,
  members,
}: {
  props: ViewProps;
  family: Family;
  members: Member[];
}) {
  const { api, user } = props;
  const feeds = useLoad(
    (signal) => api<IcalFeeds>(`/api/families/${family.family_id}/ical`, { signal }),
    [api, family.family_id],
  );
  const [created, setCreated] = useState<CreatedFeed>();
  const [revoked, setRevoked] = useState<string>();
  const create = useAction();
  // Shared calendars come with a plan (the family creator's): say which, and where to change plan.
  const [planNeeded, setPlanNeeded] = useState<string[]>();
  const make = () =>
    create.run(async () => {
      setRevoked(undefined);
      setPlanNeeded(undefined);
      try {
        const feed = await api<CreatedFeed>(`/api/families/${family.family_id}/ical`, { method: 'POST' });
        setCreated({ ...feed, url: feedAddress(feed.url, props.config.api) });
        feeds.reload();
      } catch (error) {
        if (!(error instanceof ApiError) || error.code !== 'PLAN_REQUIRED') throw error;
        setPlanNeeded(((error.details as { plans?: string[] } | undefined)?.plans ?? []).map(planLabel));
      }
    });
  const creatorOf = (feed: IcalFeed) => {
    if (feed.created_by === user?.user_id) return 'you';
    const member = members.find((m) => m.user_id === feed.created_by);
    return member ? memberName(member) : 'a former member';
  };
  const mayRevoke = (feed: IcalFeed) =>
    !feed.revoked_at && (family.my_role === 'admin' || feed.created_by === user?.user_id);
  const onRevoked = (feed: IcalFeed) => {
    if (created?.feed_id === feed.feed_id) setCreated(undefined);
    setRevoked(
      `The link made on ${formatMoment(feed.created_at)} is revoked: calendars subscribed to it no longer update.`,
    );
    feeds.reload();
  };
  const live = feeds.data?.items.filter((f) => !f.revoked_at) ?? [];
  const gone = feeds.data?.items.filter((f) => f.revoked_at) ?? [];
  return (
    <Section title="Calendar subscription">
      <p className="muted">
        Subscribe from your phone's calendar app to see the family calendar there. Anyone who has a link can
        read the calendar until it is revoked.
      </p>
      {create.error && <ErrorMessage>{create.error}</ErrorMessage>}
      {planNeeded && (
        <Notice tone="info">
          Calendar subscriptions come with the {planNeeded.length ? planNeeded.join(' or ') : 'Family'} plan
          of the person who created this family.{' '}
          {family.my_role === 'admin' ? (
            <a href={`${props.config.account}plan`}>Change your plan</a>
          ) : (
            'Ask them to change plan'
          )}
          , then create the link.
        </Notice>
      )}
      {created && <NewLink url={created.url} />}
      {revoked && <Notice>{revoked}</Notice>}
      <div className="button-row">
        <Button variant="secondary" busy={create.busy} onClick={() => void make()}>
          {created ? 'Create another iCal link' : 'Create iCal link'}
        </Button>
      </div>
      <h3 className="ical-links__heading">Links made so far</h3>
      {feeds.error && <ErrorMessage>{feeds.error}</ErrorMessage>}
      {!feeds.data ? (
        !feeds.error && <Loading />
      ) : live.length === 0 ? (
        <Empty>No link is in use.</Empty>
      ) : (
        <ul className="list" aria-label="iCal links">
          {live.map((feed) => (
            <FeedRow
              key={feed.feed_id}
              props={props}
              family={family}
              feed={feed}
              creator={creatorOf(feed)}
              mayRevoke={mayRevoke(feed)}
              onRevoked={onRevoked}
            />
          ))}
        </ul>
      )}
      {gone.length > 0 && (
        <details className="ical-links__revoked">
          <summary>Revoked links ({gone.length})</summary>
          <ul className="list" aria-label="Revoked iCal links">
            {gone.map((feed) => (
              <li className="list-row" key={feed.feed_id}>
                <span>
                  Made on {formatMoment(feed.created_at)} by {creatorOf(feed)} · revoked on{' '}
                  {formatMoment(feed.revoked_at)}
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </Section>
  );
}

/** The address of a link just made: the only time it is shown. */
function NewLink({ url }: { url: string }) {
  const field = useRef<HTMLDivElement>(null);
  const [copied, setCopied] = useState<string>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('Copied. Paste it into your calendar app as a new subscription.');
    } catch {
      field.current?.querySelector('input')?.select();
      setCopied('The link is selected: press Ctrl+C (or ⌘C) to copy it.');
    }
  };
  return (
    <div className="card ical-links__new">
      <div ref={field}>
        <TextField
          label="Your private iCal link (shown once)"
          hint="Copy it now: it is not shown again. If it gets lost, revoke it and make a new one."
          readOnly
          value={url}
          onFocus={(e) => e.target.select()}
        />
      </div>
      <div className="button-row">
        <Button small onClick={() => void copy()}>
          Copy link
        </Button>
        <span role="status">{copied}</span>
      </div>
    </div>
  );
}

function FeedRow({
  props,
  family,
  feed,
  creator,
  mayRevoke,
  onRevoked,
}: {
  props: ViewProps;
  family: Family;
  feed: IcalFeed;
  creator: string;
  mayRevoke: boolean;
  onRevoked: (feed: IcalFeed) => void;
}) {
  const action = useAction();
  const made = formatMoment(feed.created_at);
  const revoke = () =>
    action.run(async () => {
      await props.api(`/api/families/${family.family_id}/ical/${feed.feed_id}`, { method: 'DELETE' });
      onRevoked(feed);
    });
  return (
    <li className="list-row">
      <span>
        Made on {made} by {creator} <span className="tag">active</span>
      </span>
      {mayRevoke && (
        <ConfirmStep
          small
          trigger="Revoke"
          triggerLabel={`Revoke the link made on ${made}`}
          question="Revoke this link? Calendar apps subscribed to it stop receiving the family calendar."
          confirm="Revoke link"
          busy={action.busy}
          error={action.error}
          onConfirm={revoke}
        />
      )}
    </li>
  );
}
