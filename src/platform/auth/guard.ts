// The shared guard: every service verifies CALOS access tokens locally with identity's public
// keys (JWKS), never by calling identity per request. A route reads the caller with
// requireUser(request); an Authorization header that is present but invalid is always a 401.
import type { FastifyRequest } from 'fastify';
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

/** Verified tokens kept in memory per verifier (oldest dropped first). */
const VERIFIED_CACHE_SIZE = 10_000;

export interface AuthUser {
  userId: string;
  sessionId: string;
  plan: string;
  /** Seconds since the epoch when the token stops working. */
  expiresAt: number;
  token: string;
}

export interface TokenVerifier {
  verify(token: string): Promise<AuthUser>;
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
): TokenVerifier {
  let getKey: JWTVerifyGetKey;
  if ('url' in source) {
    getKey = createRemoteJWKSet(new URL(source.url), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
  } else {
    // Re-read the local key set when a token names a kid we have not seen (key rotation).
    let cached: { set: JWTVerifyGetKey; kids: Set<string> } | undefined;
    getKey = async (header, token) => {
      if (!cached || (header.kid && !cached.kids.has(header.kid))) {
        const jwks = await source.jwks();
        cached = { set: createLocalJWKSet(jwks), kids: new Set(jwks.keys.map((k) => k.kid ?? '')) };
      }
      return cached.set(header, token);
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
  return {
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (known.expiresAt * 1000 > clock.nowMs()) return refuseRevoked(known);
        verified.delete(token);
      }
      try {
        const { payload } = await jwtVerify(token, getKey, {
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
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
        return refuseRevoked(
          remember({
            userId: payload.sub,
            sessionId: payload.sid,
            plan: typeof payload.plan === 'string' ? payload.plan : 'free',
            expiresAt: payload.exp,
            token,
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

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthUser | null;
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

/** An onRequest hook: verifies a presented token and sets request.auth. */
export function authenticateRequests(verifier: TokenVerifier) {
  return async (request: FastifyRequest) => {
    const token = bearerToken(request);
    request.auth = token ? await verifier.verify(token) : null;
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
  return request.auth;
}
