import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import { Button, ErrorMessage, Notice, Section } from '../shared/components.tsx';
import { APP_NAMES, WEB_APPS } from '../shared/config.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import { planName } from '../shared/landing.tsx';
import { hrefTo, Link, navigate } from '../shared/router.tsx';
import { AffiliateLinksChoice } from './affiliate-links.tsx';
import { FamilyInvitations } from './family-invitations.tsx';

import type { AccountViewProps } from './props.ts';

type Subscription = Answer<paths, '/api/subscription', 'get'>;

type Karma = Answer<paths, '/api/karma', 'get'>;

export function Overview({ config, session, user, api }: AccountViewProps) {
  const data = useLoad(
    async (signal) => {
      const [balance, subscription, karma] = await Promise.all([
        api<Answer<paths, '/api/credits/balance', 'get'>>('/api/credits/balance', { signal }),
        api<Subscription>('/api/subscription', { signal }),
        api<Karma>('/api/karma', { signal, query: { limit: 5 } }),
      ]);
      return { balance, subscription, karma };
    },
    [api],
  );
  const action = useAction();
  const everywhere = () =>
    action.run(async () => {
      await api('/api/auth/logout-everywhere', { method: 'POST' });
      session.clear();
      navigate(`${config.base}/`);
    });
  return (
    <>
      <h1>Hello, {user?.display_name ?? user?.username}</h1>
      <p className="muted">
        Signed in as <strong>{user?.username}</strong> ({user?.email}).
      </p>
      {user?.email_verified === false && (
        <Notice tone="info">
          Please confirm your email: follow the link we mailed to {user.email}, so that password resets and
          notices reach you. <Link href={hrefTo(config.base, 'email')}>Mail the link again</Link>
        </Notice>
      )}
      {data.error && <ErrorMessage>{data.error}</ErrorMessage>}
      <div className="grid section">
        <article className="card">
          <h2>Credits</h2>
          <p className="stat" data-testid="balance">
            {data.data ? data.data.balance.balance.toLocaleString() : '…'}
          </p>
          <Link href={hrefTo(config.base, 'credits')}>Buy credits and see history</Link>
        </article>
        <article className="card">
          <h2>Karma</h2>
          <p className="stat" data-testid="karma">
            {data.data ? data.data.karma.karma.toLocaleString() : '…'}
          </p>
          <p className="muted">Upvotes from others on what you published, in every app.</p>
          {data.data && data.data.karma.recent.length > 0 && (
            <ul aria-label="Latest karma">
              {data.data.karma.recent.map((entry) => (
                <li key={`${entry.app}-${entry.item_id}-${entry.created_at}-${entry.delta}`}>
                  {entry.delta > 0 ? '+1' : '−1'} {entry.reason.toLowerCase()}: {entry.item_title}
                </li>
              ))}
            </ul>
          )}
        </article>
        <article className="card">
          <h2>Plan</h2>
          <p className="stat">{data.data ? planName(data.data.subscription.plan_code) : '…'}</p>
          <Link href={hrefTo(config.base, 'plan')}>Change plan</Link>
        </article>
        <article className="card">
          <h2>Your apps</h2>
          <ul>
            {WEB_APPS.map((app) => (
              <li key={app}>
                <a href={config.apps[app]}>{APP_NAMES[app]}</a>
              </li>
            ))}
          </ul>
        </article>
      </div>
      <FamilyInvitations config={config} session={session} />
      <Section title="Sign out">
        {action.error && <ErrorMessage>{action.error}</ErrorMessage>}
        <div className="button-row">
          <Button variant="secondary" onClick={() => void session.signOut()}>
            Sign out here
          </Button>
          <Button variant="secondary" busy={action.busy} onClick={() => void everywhere()}>
            Sign out everywhere
          </Button>
        </div>
        <p className="muted">“Everywhere” also signs you out of every app you opened from this account.</p>
      </Section>
      <Section title="Password">
        <p>
          <Link href={hrefTo(config.base, 'password')}>Change your password</Link>. Every other device and app
          signed in to your account is then signed out.
        </p>
      </Section>
      <AffiliateLinksChoice api={api} />
      <Section title="Delete account">
        <p>
          <Link href={hrefTo(config.base, 'delete')}>Delete your CALOS account</Link> and everything in it.
        </p>
      </Section>
    </>
  );
}
