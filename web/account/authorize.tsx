// /account/authorize: an app sent the browser here to sign in. Signed in (now or after the
// form), the console asks identity for a one-time code and sends the browser back with it.

import { useEffect, useRef, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import { ErrorMessage, Loading } from '../shared/components.tsx';
import { APP_NAMES, type PageConfig, type WebApp } from '../shared/config.ts';
import { describeError } from '../shared/errors.ts';
import type { Session, StoredSession } from '../shared/session.ts';
import { AuthForms } from './auth-forms.tsx';

export function Authorize({
  config,
  session,
  stored,
  params,
}: {
  config: PageConfig;
  session: Session;
  stored: StoredSession | null;
  params: URLSearchParams;
}) {
  const client = params.get('client') as WebApp | null;
  const redirectUri = params.get('redirect_uri') ?? '';
  const state = params.get('state') ?? '';
  const challenge = params.get('code_challenge') ?? '';
  const method = params.get('code_challenge_method') ?? 'S256';
  const screen = params.get('screen') === 'signup' ? 'signup' : 'signin';
  const [error, setError] = useState<string>();
  const started = useRef(false);
  const known = client !== null && client in APP_NAMES;

  useEffect(() => {
    if (!stored || !known || started.current || method !== 'S256') return;
    started.current = true;
    session
      .fetch<Answer<paths, '/api/web/authorize', 'post'>>(`${config.identity}/api/web/authorize`, {
        body: { client, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256' },
      })
      .then(
        ({ code }) => {
          // Identity checked redirect_uri against the apps' addresses before issuing the code.
          const back = new URL(redirectUri);
          back.searchParams.set('code', code);
          back.searchParams.set('state', state);
          location.replace(back.toString());
        },
        (caught) => setError(describeError(caught)),
      );
  }, [stored, known, method, session, config, client, redirectUri, challenge, state]);

  if (!known || method !== 'S256') {
    return <ErrorMessage>This sign-in link is not complete. Go back to the app and try again.</ErrorMessage>;
  }
  const title = APP_NAMES[client];
  if (error) {
    return (
      <>
        <ErrorMessage>{error}</ErrorMessage>
        <p>
          <a href={config.apps[client]}>Back to {title}</a>
        </p>
      </>
    );
  }
  if (stored) return <Loading label={`Signing you in to ${title}…`} />;
  return (
    <>
      <h1>
        {screen === 'signup' ? `Create your CALOS account for ${title}` : `Sign in to continue to ${title}`}
      </h1>
      <p className="muted">
        One CALOS account works in every app: Hollowtown, HowToCookAtHome and Family Planner.
      </p>
      <AuthForms config={config} session={session} initial={screen} />
      <p>
        <a href={config.apps[client]}>Not now, back to {title}</a>
      </p>
    </>
  );
}
