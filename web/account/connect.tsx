// /account/connect: an app that signs in with CALOS (OpenID Connect) sent the browser here. The
// person signs in (password, second step or passkey; or signs up, when one of CALOS's own apps
// asked with screen=signup), sees which app asks for what — partner apps only; CALOS's own apps
// are not asked about — and lets it in or not.

import { useEffect, useRef, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import { requestJson } from '../shared/api.ts';
import { Button, ErrorMessage, Loading } from '../shared/components.tsx';
import type { PageConfig } from '../shared/config.ts';
import { describeError } from '../shared/errors.ts';
import type { Session, StoredSession } from '../shared/session.ts';
import { AuthForms } from './auth-forms.tsx';

type InteractionView = Answer<paths, '/api/oidc/interactions/{uid}', 'get'>;

/** What each scope lets the app do, in the words the consent screens use (here and pairing). */
export const SCOPE_WORDS: Record<string, string> = {
  openid: 'Know who you are on CALOS',
  profile: 'See your name and username',
  email: 'See your email address',
  offline_access: 'Stay signed in while you are away',
  'credits:read': 'See your credits balance and history',
  'credits:spend': 'Spend your credits',
  ai: 'Use the AI gateway on your behalf (paid from your credits)',
};

export function Connect({
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
  const uid = params.get('interaction') ?? '';
  const [view, setView] = useState<InteractionView>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const accepted = useRef(false);

  useEffect(() => {
    if (!uid) return;
    // Asked before the person has signed in too (the page then shows the sign-in form): no token.
    requestJson<InteractionView>(`${config.identity}/api/oidc/interactions/${encodeURIComponent(uid)}`).then(
      setView,
      (caught) => setError(describeError(caught)),
    );
  }, [uid, config]);

  const answer = async (choice: 'accept' | 'deny') => {
    setBusy(true);
    try {
      const { redirect_to } = await session.fetch<
        Answer<paths, '/api/oidc/interactions/{uid}/accept', 'post'>
      >(`${config.identity}/api/oidc/interactions/${encodeURIComponent(uid)}/${choice}`, { method: 'POST' });
      location.assign(redirect_to);
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  };

  // CALOS's own apps go on as soon as the person is signed in.
  useEffect(() => {
    if (!stored || !view?.first_party || accepted.current) return;
    accepted.current = true;
    void answer('accept');
  });

  if (!uid)
    return <ErrorMessage>This sign-in link is not complete. Go back to the app and try again.</ErrorMessage>;
  if (error) return <ErrorMessage>{error}</ErrorMessage>;
  if (!view) return <Loading />;
  if (!stored && view.first_party) {
    // One of CALOS's own apps: the account is the same one, so the page says so.
    const isSignUp = view.screen === 'signup';
    return (
      <>
        <h1>
          {isSignUp
            ? `Create your CALOS account for ${view.client_name}`
            : `Sign in to continue to ${view.client_name}`}
        </h1>
        <p className="muted">
          One CALOS account works in every app: Hollowtown, HowToCookAtHome and Family Planner.
        </p>
        <AuthForms config={config} session={session} initial={isSignUp ? 'signup' : 'signin'} />
        <p>
          <Button variant="secondary" disabled={busy} onClick={() => void answer('deny')}>
            Not now, back to {view.client_name}
          </Button>
        </p>
      </>
    );
  }
  if (!stored) {
    return (
      <>
        <h1>Sign in with CALOS to continue to {view.client_name}</h1>
        <AuthForms config={config} session={session} />
      </>
    );
  }
  if (view.first_party) return <Loading label={`Signing you in to ${view.client_name}…`} />;
  return (
    <>
      <h1>Let {view.client_name} use your CALOS account?</h1>
      <p>
        Signed in as <strong>{stored.user?.display_name ?? stored.user?.username}</strong>.{' '}
        <strong>{view.client_name}</strong> is not a CALOS app. It asks to:
      </p>
      <ul>
        {view.scopes.map((scope) => (
          <li key={scope}>{SCOPE_WORDS[scope] ?? scope}</li>
        ))}
      </ul>
      <p className="muted">
        You can take this away at any time under Security, Apps you allowed. Signing out of CALOS signs you
        out of it too.
      </p>
      <p>
        <Button busy={busy} onClick={() => void answer('accept')}>
          Allow
        </Button>{' '}
        <Button variant="secondary" disabled={busy} onClick={() => void answer('deny')}>
          Don’t allow
        </Button>
      </p>
    </>
  );
}
