// One sign-in across domains without third-party cookies: the app sends the browser to the
// account console with a PKCE challenge; the console (signed in there, first party) sends it
// back with a one-time code; the app exchanges code + verifier for its own session.
import { requestJson } from './api.ts';
import type { PageConfig } from './config.ts';
import type { Session, TokenAnswer } from './session.ts';

interface Pending {
  state: string;
  verifier: string;
  redirect_uri: string;
  return_to: string;
  started_at?: number;
}

/**
 * React may run an effect twice (StrictMode in a development build): a second start this soon,
 * for the same page, reuses the first one's state, so whichever redirect wins comes back valid.
 */
const RESTART_WINDOW_MS = 5_000;

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomString = (size = 32) => base64url(crypto.getRandomValues(new Uint8Array(size)));

export async function challengeOf(verifier: string): Promise<string> {
  if (!crypto.subtle) throw new Error('Signing in needs a secure page (https or localhost).');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

const pendingKey = (config: PageConfig) => `calos.sso.${config.app}`;

/** This app's root as an absolute URL: where the account console sends the browser back. */
export const redirectUriOf = (config: PageConfig) => `${location.origin}${config.base}/`;

/** Sends the browser to the account console to sign in (or up), then back to `returnTo`. */
export async function startSignIn(
  config: PageConfig,
  options: { screen?: 'signin' | 'signup'; returnTo?: string } = {},
): Promise<void> {
  const returnTo = options.returnTo ?? `${location.pathname}${location.search}`;
  const previous = JSON.parse(sessionStorage.getItem(pendingKey(config)) ?? 'null') as Pending | null;
  const isRestart =
    previous?.return_to === returnTo && Date.now() - (previous.started_at ?? 0) < RESTART_WINDOW_MS;
  const pending: Pending =
    previous && isRestart
      ? previous
      : {
          state: randomString(16),
          verifier: randomString(),
          redirect_uri: redirectUriOf(config),
          return_to: returnTo,
          started_at: Date.now(),
        };
  const challenge = await challengeOf(pending.verifier);
  sessionStorage.setItem(pendingKey(config), JSON.stringify(pending));
  const params = new URLSearchParams({
    client: config.app,
    redirect_uri: pending.redirect_uri,
    state: pending.state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  if (options.screen) params.set('screen', options.screen);
  location.assign(`${config.account}authorize?${params}`);
}

/**
 * On the way back: exchanges ?code for this app's own session. Returns where to go next, or
 * null when the URL carries no answer from the account console.
 */
export function completeSignIn(
  config: PageConfig,
  session: Session,
): Promise<{ returnTo: string; error?: string } | null> {
  // Asked twice for the same answer (an effect run twice), the second waits for the first.
  let completion = completions.get(location.search);
  if (!completion) {
    completion = finishSignIn(config, session);
    completions.set(location.search, completion);
  }
  return completion;
}

const completions = new Map<string, Promise<{ returnTo: string; error?: string } | null>>();

async function finishSignIn(
  config: PageConfig,
  session: Session,
): Promise<{ returnTo: string; error?: string } | null> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  const state = params.get('state');
  if (!code && !error) return null;
  const raw = sessionStorage.getItem(pendingKey(config));
  sessionStorage.removeItem(pendingKey(config));
  const pending = raw ? (JSON.parse(raw) as Pending) : null;
  const home = `${config.base}/`;
  if (!pending || pending.state !== state) {
    return { returnTo: home, error: 'This sign-in did not start here. Please sign in again.' };
  }
  if (error || !code) return { returnTo: home, error: 'Sign-in was cancelled.' };
  const answer = await requestJson<TokenAnswer>(`${config.identity}/api/web/token`, {
    body: { client: config.app, code, code_verifier: pending.verifier, redirect_uri: pending.redirect_uri },
  });
  session.save(answer);
  return { returnTo: pending.return_to.startsWith('/') ? pending.return_to : home };
}
