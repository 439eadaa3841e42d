// The shared guard: every service verifies CALOS access tokens locally with identity's public
// keys (JWKS), never by calling identity per request. A route reads the caller with
// requireUser(request); an Authorization header that is present but invalid is always a 401.
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { type Clock, systemClock } from '../clock.ts';
import { AppError, PlatformErrors } from '../errors.ts';
import type { RevocationList } from './revocations.ts';

export const TOKEN_ISSUER = 'calos';
export const TOKEN_AUDIENCE = 'calos-apps';

/**
 * The scope only CALOS's own apps (first-party clients, registered from the deployment's settings)
 * are given: their tokens reach every route a signed-in person reaches, as the account console's do.
 */
export const FIRST_PARTY_SCOPE = 'calos';

/** The resource (RFC 8707) that access tokens of the OpenID Connect provider are issued for. */
export const apiResourceOf = (issuer: string) => `${issuer}/api`;

/** Verified tokens kept in memory per verifier (oldest dropped first). */
const VERIFIED_CACHE_SIZE = 10_000;

export interface AuthUser {
  userId: string;
  sessionId: string;
  plan: string;
  /** Seconds since the epoch when the token stops working. */
  expiresAt: number;
  token: string;
  /**
   * Set for a token the OpenID Connect provider issued to an app (RFC 9068): the app, and the
   * scopes the person allowed it. Such a token reaches only routes that name one of its scopes.
   */
  delegated?: {
    clientId: string;
    scopes: readonly string[];
    /** The person's grant to the app (claim `gid`): taking it away revokes this key like a session. */
    grantKey?: string;
    /** One of CALOS's own apps (scope `calos`): every route is open to it, as to the console's tokens. */
    isFirstParty?: boolean;
  };
}

export interface TokenVerifier {
  verify(token: string): Promise<AuthUser>;
  /**
   * Reads identity's public keys now. A process started beside identity does this before its
   * first request, so that a burst of first requests neither waits on the fetch nor fails with it.
   * Rejects with 503 SERVICE_UNAVAILABLE when the keys cannot be read.
   */
  loadKeys(): Promise<void>;
  /**
   * The caller of a token verified before and not expired, without waiting (undefined: call
   * verify). Throws SESSION_ENDED as verify does for a revoked one.
   */
  known?(token: string): AuthUser | undefined;
}

export type KeySource = { jwks: () => Promise<JSONWebKeySet> } | { url: string };

/** Builds a verifier over identity's keys: in-process (a function) or over HTTP (the JWKS URL). */
/**
 * `revocations`: ended sessions and deleted accounts (see revocations.ts); a token they cover is
 * refused at once, before it expires.
 */
export function createTokenVerifier(
  source: KeySource,
  clock: Clock = systemClock,
  revocations?: Pick<RevocationList, 'isRevoked'>,
  /** The OpenID Connect issuer (CALOS_ISSUER): its RFC 9068 access tokens are accepted too. */
  oidcIssuer?: string,
): TokenVerifier {
  const issuers = oidcIssuer ? [TOKEN_ISSUER, oidcIssuer] : [TOKEN_ISSUER];
  const audiences = oidcIssuer ? [TOKEN_AUDIENCE, apiResourceOf(oidcIssuer)] : [TOKEN_AUDIENCE];
  let getKey: JWTVerifyGetKey;
  let loadKeys: () => Promise<void>;
  if ('url' in source) {
    const remote = createRemoteJWKSet(new URL(source.url), {
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
    // The keys in hand when a refresh failed: they still verify what they signed, so a service
    // goes on serving while identity is away (jose would refuse every token once its copy is
    // older than cacheMaxAge). Identity is asked again after KEYS_RETRY_MS, not per request.
    let kept: { set: JWTVerifyGetKey; failedAt: number } | undefined;
    // jose re-reads the set for a key it has not seen only 30 s after its last read, but identity
    // signs with a new key as soon as it rotates: such a token makes this process read the set
    // again at once, at most every UNKNOWN_KEY_RELOAD_MS (made-up key ids cannot flood identity).
    let unknownKeyReloadAt = Number.NEGATIVE_INFINITY;
    const fromRemote: JWTVerifyGetKey = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        const now = performance.now();
        if (
          !(error instanceof errors.JWKSNoMatchingKey) ||
          !remote.coolingDown ||
          now - unknownKeyReloadAt < UNKNOWN_KEY_RELOAD_MS
        )
          throw error;
        unknownKeyReloadAt = now;
        await remote.reload();
        return remote(header, token);
      }
    };
    getKey = async (header, token) => {
      if (kept && performance.now() - kept.failedAt < KEYS_RETRY_MS) return keptKey(kept.set, header, token);
      try {
        const key = await fromRemote(header, token);
        kept = undefined;
        return key;
      } catch (error) {
        // No key for this token is the token's problem; anything else is fetching the key set.
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
          throw error;
        const inHand = remote.jwks();
        if (!inHand) throw keysUnavailable(error);
        kept = { set: createLocalJWKSet(inHand), failedAt: performance.now() };
        return keptKey(kept.set, header, token);
      }
    };
    loadKeys = () => remote.reload().catch((error: unknown) => Promise.reject(keysUnavailable(error)));
  } else {
    // Re-read the local key set when a token names a kid we have not seen (key rotation).
    let cached: { set: JWTVerifyGetKey; kids: Set<string> } | undefined;
    loadKeys = async () => {
      const jwks = await source.jwks().catch((error: unknown) => Promise.reject(keysUnavailable(error)));
      cached = { set: createLocalJWKSet(jwks), kids: new Set(jwks.keys.map((k) => k.kid ?? '')) };
    };
    getKey = async (header, token) => {
      if (!cached || (header.kid && !cached.kids.has(header.kid))) await loadKeys();
      return (cached as NonNullable<typeof cached>).set(header, token);
    };
  }
  // Verified tokens are remembered until they expire: a client sends the same token for minutes,
  // and checking its signature each time is the largest cost of an authenticated request. This
  // cannot extend a token's life: the expiry is checked on every hit.
  const verified = new Map<string, AuthUser>();
  const remember = (user: AuthUser) => {
    if (verified.size >= VERIFIED_CACHE_SIZE) {
      const oldest = verified.keys().next().value;
      if (oldest !== undefined) verified.delete(oldest);
    }
    verified.set(user.token, user);
    return user;
  };
  const refuseRevoked = (user: AuthUser) => {
    if (revocations?.isRevoked(user)) throw PlatformErrors.sessionEnded();
    return user;
  };
  const known = (token: string) => {
    const user = verified.get(token);
    if (!user) return undefined;
    if (user.expiresAt * 1000 > clock.nowMs()) return refuseRevoked(user);
    verified.delete(token);
    return undefined;
  };
  return {
    known,
    loadKeys,
    async verify(token) {
      const user = known(token);
      if (user) return user;
      try {
        const { payload, protectedHeader } = await jwtVerify(token, getKey, {
          issuer: issuers,
          audience: audiences,
          algorithms: ['EdDSA'],
          currentDate: clock.now(),
        });
        if (
          typeof payload.sub !== 'string' ||
          typeof payload.sid !== 'string' ||
          typeof payload.exp !== 'number'
        ) {
          throw PlatformErrors.tokenInvalid('The access token is missing required claims');
        }
        // An OpenID Connect token must say so (RFC 9068 §2.1) and name its app.
        const isOidc = payload.iss !== TOKEN_ISSUER;
        if (isOidc && (protectedHeader.typ !== 'at+jwt' || typeof payload.client_id !== 'string')) {
          throw PlatformErrors.tokenInvalid('The access token is not valid');
        }
        return refuseRevoked(
          remember({
            userId: payload.sub,
            sessionId: payload.sid,
            plan: typeof payload.plan === 'string' ? payload.plan : 'free',
            expiresAt: payload.exp,
            token,
            ...(isOidc ? { delegated: delegationOf(payload) } : {}),
          }),
        );
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (error instanceof errors.JWTExpired) {
          throw PlatformErrors.tokenExpired();
        }
        throw PlatformErrors.tokenInvalid('The access token is not valid');
      }
    },
  };
}

/** How long a verifier that could not refresh identity's keys uses the ones in hand before asking again. */
const KEYS_RETRY_MS = 30_000;
/** The shortest time between two reads of identity's keys for tokens naming a key not seen. */
const UNKNOWN_KEY_RELOAD_MS = 5_000;

/**
 * A key from the set kept while identity is away. A token naming a key not in it may be signed
 * with a key identity published since: unknown until identity answers, so 503, not TOKEN_INVALID.
 */
async function keptKey(set: JWTVerifyGetKey, ...args: Parameters<JWTVerifyGetKey>) {
  try {
    return await set(...args);
  } catch (error) {
    if (error instanceof errors.JWKSNoMatchingKey)
      throw keysUnavailable(
        new Error('the token names a key this process has not seen, and identity is away'),
      );
    throw error;
  }
}

/**
 * Identity's keys could not be read (identity down or too slow, a bad answer): the token may be
 * fine, so this is 503, not TOKEN_INVALID, which would tell the client to sign in again.
 */
function keysUnavailable(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return PlatformErrors.serviceUnavailable('identity', `its signing keys could not be read (${reason})`);
}

/** What an RFC 9068 token of the OpenID provider lets its app do. */
function delegationOf(payload: Record<string, unknown>): NonNullable<AuthUser['delegated']> {
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
  return {
    clientId: payload.client_id as string,
    scopes,
    ...(typeof payload.gid === 'string' ? { grantKey: payload.gid } : {}),
    ...(scopes.includes(FIRST_PARTY_SCOPE) ? { isFirstParty: true } : {}),
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthUser | null;
  }
  interface FastifyContextConfig {
    /** Scopes of which an app's token (OpenID Connect) needs one to use this route. */
    oauthScopes?: readonly string[];
    /** The OpenID provider's own routes: they read bearer tokens themselves. */
    oidc?: boolean;
  }
}

/** Reads a bearer token from the Authorization header (or undefined when there is none). */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  if (!match?.[1]) throw PlatformErrors.tokenInvalid('Authorization must be "Bearer <access token>"');
  return match[1];
}

/** Verifies a presented token and sets request.auth. */
export function authenticateRequests(verifier: TokenVerifier) {
  return async (request: FastifyRequest) => {
    const token = bearerToken(request);
    request.auth = token ? await verifier.verify(token) : null;
  };
}

/**
 * The same as an onRequest hook in Fastify's callback form: a token verified before (the common
 * case: a client sends the same token for minutes) is looked up without a promise or a turn of
 * the event loop; `then` (e.g. requireUser) runs after request.auth is set.
 */
export function authenticationHook(verifier: TokenVerifier, then?: (request: FastifyRequest) => void) {
  return (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void => {
    let token: string | undefined;
    try {
      token = bearerToken(request);
      const user = token ? verifier.known?.(token) : null;
      if (user !== undefined) {
        request.auth = user;
        then?.(request);
        done();
        return;
      }
    } catch (error) {
      done(error as Error);
      return;
    }
    verifier.verify(token as string).then(
      (user) => {
        request.auth = user;
        try {
          then?.(request);
        } catch (error) {
          done(error as Error);
          return;
        }
        done();
      },
      (error: Error) => done(error),
    );
  };
}

/**
 * For work that outlasts the request's start (an AI generation that stores its answer a minute
 * later): throws 401 SESSION_ENDED once the caller's session or account has been revoked, so
 * nothing is written for a caller who is gone.
 */
export function signedInCheck(request: FastifyRequest): () => void {
  const user = requireUser(request);
  const revocations = request.server.accessContext?.revocations;
  return () => {
    if (revocations?.isRevoked(user)) throw PlatformErrors.sessionEnded();
  };
}

export function requireUser(request: FastifyRequest): AuthUser {
  if (!request.auth)
    throw PlatformErrors.unauthenticated('Sign in first: send Authorization: Bearer <access token>');
  const { delegated } = request.auth;
  if (delegated && !delegated.isFirstParty) {
    // An app's token works only where a route names a scope the person gave the app.
    const allowed = request.routeOptions.config?.oauthScopes;
    if (!allowed?.some((scope) => delegated.scopes.includes(scope)))
      throw PlatformErrors.insufficientScope(allowed ?? []);
  }
  return request.auth;
}
