// One sign-in across domains without third-party cookies: the account console (signed in on
// its own domain) issues a one-time code bound to an app's redirect URI and a PKCE challenge;
// the app exchanges code + verifier for a session of its own. "Sign out everywhere" ends the
// app sessions made this way together with the console's.
import { createHash } from 'node:crypto';
import type { AuthUser } from '../../platform/auth/guard.ts';
import { hashToken, randomToken, safeEqual } from '../../platform/crypto/tokens.ts';
import { createHostLookup, splitHost, WEB_APPS, type WebApp } from '../../platform/http/static.ts';
import type { IdentityDeps, RequestOrigin } from '../deps.ts';
import { WebSessionErrors } from '../errors.ts';
import { recordAudit } from '../store/audit.ts';
import { upsertDevice } from '../store/devices.ts';
import { findSession } from '../store/sessions.ts';
import { findUserById } from '../store/users.ts';
import { deleteStaleWebCodes, insertWebCode, linkWebCodeSession, spendWebCode } from '../store/web-codes.ts';
import { type AuthService, PASSWORD_DEVICE_TRUST, type TokenPair, toPublicAccount } from './auth.ts';

export const WEB_CODE_TTL_SECONDS = 60;
export const WEB_CLIENTS = Object.keys(WEB_APPS) as WebApp[];
const APP_TITLES: Record<WebApp, string> = {
  hollowtown: 'Hollowtown',
  recipes: 'HowToCookAtHome',
  family: 'Family Planner',
};
/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * A redirect URI an app may receive codes at: the app's root on a host CALOS_HOSTS maps to the
 * app, or its prefix on the host the console itself is on (the shared dev host), at the
 * console's port.
 */
export function isAllowedRedirect(
  hosts: IdentityDeps['config']['hosts'],
  client: WebApp,
  redirectUri: string,
  consoleHost: string | undefined,
): boolean {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password || url.search || url.hash) return false;
  const console = splitHost(consoleHost);
  const port = url.port ? `:${url.port}` : '';
  if (port !== console.port) return false;
  const { service, prefix } = WEB_APPS[client];
  const mapped = createHostLookup(hosts).serviceOf(url.hostname);
  if (mapped === service) return url.pathname === '/';
  return mapped === undefined && url.hostname === console.name && url.pathname === `${prefix}/`;
}

const challengeOf = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

export function createWebSessionService(deps: IdentityDeps, auth: AuthService) {
  const { db } = deps;
  return {
    /** The signed-in console asks for a code for one app. */
    async authorize(
      user: AuthUser,
      input: { client: WebApp; redirect_uri: string; code_challenge: string },
      consoleHost: string | undefined,
    ) {
      if (!isAllowedRedirect(deps.config.hosts, input.client, input.redirect_uri, consoleHost)) {
        throw WebSessionErrors.redirectNotAllowed();
      }
      await auth.assertSessionLive(user.userId, user.sessionId);
      const code = randomToken();
      const now = deps.now();
      await insertWebCode(db, {
        codeHash: hashToken(code),
        userId: user.userId,
        client: input.client,
        redirectUri: input.redirect_uri,
        codeChallenge: input.code_challenge,
        issuedBySession: user.sessionId,
        expiresAt: new Date(now.getTime() + WEB_CODE_TTL_SECONDS * 1000),
      });
      // Cheap housekeeping: codes nobody came back with.
      await deleteStaleWebCodes(db, new Date(now.getTime() - 3600_000));
      return { code, expires_in: WEB_CODE_TTL_SECONDS, redirect_uri: input.redirect_uri };
    },

    /** The app exchanges the code and its PKCE verifier for a session of its own. */
    async exchange(
      input: { client: WebApp; code: string; code_verifier: string; redirect_uri: string },
      origin: RequestOrigin,
    ) {
      const outcome = await db.transaction(async (tx) => {
        // Spent even when a check below fails: a code is tried once.
        const row = await spendWebCode(tx, hashToken(input.code), deps.now());
        const matches =
          row !== undefined &&
          row.expires_at > deps.now() &&
          row.client === input.client &&
          row.redirect_uri === input.redirect_uri &&
          VERIFIER.test(input.code_verifier) &&
          safeEqual(challengeOf(input.code_verifier), row.code_challenge);
        if (!row || !matches) return { error: WebSessionErrors.codeInvalid() };
        const user = await findUserById(tx, row.user_id);
        if (!user) return { error: WebSessionErrors.codeInvalid() };
        const browser = createHash('sha256')
          .update(origin.userAgent ?? 'unknown')
          .digest('hex')
          .slice(0, 24);
        const device = await upsertDevice(
          tx,
          {
            userId: user.user_id,
            fingerprint: `web-app:${input.client}:${browser}`,
            type: 'web',
            name: `${APP_TITLES[input.client]} (web)`,
            trustLevel: PASSWORD_DEVICE_TRUST,
            userAgent: origin.userAgent,
          },
          deps.now(),
        );
        // The app session was authenticated as the console's session that issued the code was.
        const issuedBy = row.issued_by_session ? await findSession(tx, row.issued_by_session) : undefined;
        const pair: TokenPair = await auth.startSession(tx, user, device, origin, issuedBy?.amr ?? []);
        await linkWebCodeSession(tx, row.code_hash, pair.session_id);
        await recordAudit(tx, user.user_id, 'login.succeeded', origin, {
          via: 'web_code',
          client: input.client,
          device_id: device.device_id,
        });
        return { answer: { user: toPublicAccount(user), ...pair } };
      });
      if ('error' in outcome) throw outcome.error;
      return outcome.answer;
    },

    /** Ends this session and every app session started from the console (see auth.logoutEverywhere). */
    signOutEverywhere: (user: AuthUser, origin: RequestOrigin) =>
      auth.logoutEverywhere(user.userId, user.sessionId, origin),
  };
}

export type WebSessionService = ReturnType<typeof createWebSessionService>;
