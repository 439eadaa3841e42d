// One sign-in across domains without third-party cookies, by the standard: each page is a public
// OpenID Connect client of CALOS (`calos-<app>`, registered at identity's start). It sends the
// browser to the discovered authorization endpoint with PKCE (S256), state and nonce; the console
// signs the person in there (no consent screen: first party) and the browser comes back with a
// code, which the page exchanges at the token endpoint for its own session. oauth4webapi speaks
// the protocol (form bodies, the ID token's checks).
import * as oauth from 'oauth4webapi';
import type { PageConfig } from './config.ts';
import type { Account, Session } from './session.ts';

interface Pending {
  state: string;
  nonce: string;
  verifier: string;
  redirect_uri: string;
  return_to: string;
  started_at?: number;
}

/**
 * What CALOS's own apps ask for: who the person is, a refresh token, and `calos`, which only
 * first-party clients are given: their tokens reach every CALOS API, as the console's do.
 */
export const FIRST_PARTY_SCOPES = 'openid profile email offline_access calos';

/**
 * React may run an effect twice (StrictMode in a development build): a second start this soon,
 * for the same page, reuses the first one's state, so whichever redirect wins comes back valid.
 */
const RESTART_WINDOW_MS = 5_000;

/** This page's client id at CALOS's OpenID provider. */
export const clientIdOf = (config: Pick<PageConfig, 'app'>) => `calos-${config.app}`;

/** http:// only where the page itself is (development and tests); oauth4webapi refuses it otherwise. */
export const httpOptions = (): { [oauth.allowInsecureRequests]: boolean } => ({
  [oauth.allowInsecureRequests]: location.protocol === 'http:',
});

const discoveries = new Map<string, Promise<oauth.AuthorizationServer>>();

/**
 * The provider's metadata, from identity's root as this page's server named it (its own host
 * or /calos). Asked there rather than at the issuer's address, which may be another host than
 * this page may call; the issuer it names is then what the ID token must carry.
 */
export function discover(identity: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(`${identity}/.well-known/openid-configuration`, location.href);
  let found = discoveries.get(url.href);
  if (!found) {
    found = fetch(url, { headers: { accept: 'application/json' } }).then(async (response) => {
      const metadata = (response.ok ? await response.json() : undefined) as
        | oauth.AuthorizationServer
        | undefined;
      if (typeof metadata?.issuer !== 'string' || typeof metadata.token_endpoint !== 'string')
        throw new Error(`CALOS's OpenID configuration could not be read (${response.status})`);
      return metadata;
    });
    found.catch(() => discoveries.delete(url.href));
    discoveries.set(url.href, found);
  }
  return found;
}

const pendingKey = (config: PageConfig) => `calos.sso.${config.app}`;

/** This app's root as an absolute URL: where the provider sends the browser back. */
export const redirectUriOf = (config: PageConfig) => `${location.origin}${config.base}/`;

/** The signed-in account, from the ID token's claims (the page asks /api/auth/me for the rest). */
export function accountOf(claims: oauth.IDToken): Account {
  const username = typeof claims.preferred_username === 'string' ? claims.preferred_username : claims.sub;
  const name = typeof claims.name === 'string' ? claims.name : null;
  return {
    user_id: claims.sub,
    username,
    email: typeof claims.email === 'string' ? claims.email : '',
    ...(typeof claims.email_verified === 'boolean' ? { email_verified: claims.email_verified } : {}),
    display_name: name && name !== username ? name : null,
  };
}

/** Sends the browser to CALOS's authorization endpoint to sign in (or up), then back to `returnTo`. */
export async function startSignIn(
  config: PageConfig,
  options: { screen?: 'signin' | 'signup'; returnTo?: string } = {},
): Promise<void> {
  const returnTo = options.returnTo ?? `${location.pathname}${location.search}`;
  const previous = JSON.parse(sessionStorage.getItem(pendingKey(config)) ?? 'null') as Pending | null;
  const isRestart =
    previous?.nonce !== undefined &&
    previous.return_to === returnTo &&
    Date.now() - (previous.started_at ?? 0) < RESTART_WINDOW_MS;
  const pending: Pending =
    previous && isRestart
      ? previous
      : {
          state: oauth.generateRandomState(),
          nonce: oauth.generateRandomNonce(),
          verifier: oauth.generateRandomCodeVerifier(),
          redirect_uri: redirectUriOf(config),
          return_to: returnTo,
          started_at: Date.now(),
        };
  if (!crypto.subtle) throw new Error('Signing in needs a secure page (https or localhost).');
  const as = await discover(config.identity);
  if (!as.authorization_endpoint) throw new Error('CALOS names no authorization endpoint.');
  sessionStorage.setItem(pendingKey(config), JSON.stringify(pending));
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: clientIdOf(config),
    redirect_uri: pending.redirect_uri,
    response_type: 'code',
    scope: FIRST_PARTY_SCOPES,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
    // CALOS's own parameter: the console opens on its sign-up form.
    ...(options.screen === 'signup' ? { screen: 'signup' } : {}),
  }).toString();
  location.assign(url.href);
}

/**
 * On the way back: exchanges ?code for this app's own session. Returns where to go next, or
 * null when the URL carries no answer from the provider.
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
  if (!pending?.nonce || pending.state !== state) {
    return { returnTo: home, error: 'This sign-in did not start here. Please sign in again.' };
  }
  if (error || !code) return { returnTo: home, error: 'Sign-in was cancelled.' };
  const as = await discover(config.identity);
  const client: oauth.Client = { client_id: clientIdOf(config) };
  try {
    const callback = oauth.validateAuthResponse(as, client, params, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      callback,
      pending.redirect_uri,
      pending.verifier,
      httpOptions(),
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: pending.nonce,
      requireIdToken: true,
    });
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    if (!claims || !tokens.refresh_token) throw new Error('CALOS answered without an ID or refresh token.');
    session.save({
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      expires_in: tokens.expires_in ?? 300,
      id_token: tokens.id_token,
      client_id: client.client_id,
      user: accountOf(claims),
    });
  } catch (caught) {
    // The provider said no (a code already used or expired, a cancelled sign-in): start again.
    if (caught instanceof oauth.ResponseBodyError || caught instanceof oauth.AuthorizationResponseError)
      return { returnTo: home, error: `Sign-in did not complete (${caught.error}). Please sign in again.` };
    throw caught;
  }
  return { returnTo: pending.return_to.startsWith('/') ? pending.return_to : home };
}
