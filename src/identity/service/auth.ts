// Accounts and sessions: sign-up, sign-in (with the device it happens on, and a second factor
// when the account has one), rotating refresh tokens with reuse detection, sign-out, password
// change and account deletion.

import { createHash } from 'node:crypto';
import { hashToken, randomToken } from '../../platform/crypto/tokens.ts';
import type { Queryable } from '../../platform/db/database.ts';
import type { IdentityDeps, RequestOrigin } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import { defaultConsoleUrl } from '../mail/links.ts';
import { requestMail } from '../mail/requests.ts';
import { deleteAuditOf, recordAudit } from '../store/audit.ts';
import { openCreditAccount } from '../store/credits.ts';
import { type DeviceRow, type DeviceType, upsertDevice } from '../store/devices.ts';
import { endVotesOf } from '../store/karma.ts';
import { liveFirstPartySessionIds, oweLogoutsOf } from '../store/oidc.ts';
import { enqueueEvent } from '../store/outbox.ts';
import { revokeUserTokens } from '../store/revocations.ts';
import {
  type AuthMethod,
  extendSession,
  findRefreshTokenForUpdate,
  findSession,
  insertRefreshToken,
  insertSession,
  markRefreshTokenUsed,
  revokeOtherSessions,
  revokeSession,
  type SessionRow,
} from '../store/sessions.ts';
import { currentPlan } from '../store/subscriptions.ts';
import { hasConfirmedTotp, insertChallenge, isTrustedDevice } from '../store/two-factor.ts';
import {
  deleteUser,
  findUserById,
  findUserByLogin,
  insertUser,
  isUserDisabled,
  type UserRow,
  updatePasswordHash,
} from '../store/users.ts';
import { liveWebSessionIds } from '../store/web-codes.ts';
import { type LoginThrottle, throttleAccount } from './login-throttle.ts';
import {
  argon2ParametersFor,
  checkPasswordPolicy,
  hashPassword,
  needsRehash,
  verifyPassword,
} from './passwords.ts';
import type { TokenIssuer } from './tokens.ts';

/** A session lives this long after its last refresh. */
export const SESSION_TTL_SECONDS = 30 * 24 * 60 * 60;
/** Trust given to a device that signed in with a password. */
export const PASSWORD_DEVICE_TRUST = 50;
/** How long the step between a right password and the second factor may take. */
export const MFA_CHALLENGE_TTL_SECONDS = 300;
export const SECOND_FACTOR_METHODS = ['totp', 'recovery_code'] as const;

export interface DeviceInput {
  fingerprint?: string;
  type?: DeviceType;
  name?: string;
}

export interface TokenPair {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  session_id: string;
  device_id: string | null;
}

/** The password was right; the account has a second factor, asked for with this challenge. */
export interface MfaRequired {
  mfa_required: true;
  mfa_challenge: string;
  expires_in: number;
  methods: Array<(typeof SECOND_FACTOR_METHODS)[number]>;
}

export interface PublicAccount {
  user_id: string;
  username: string;
  email: string;
  /** Whether the person proved they read mail at `email` (a link mailed there was followed). */
  email_verified: boolean;
  display_name: string | null;
  locale: string;
  created_at: Date;
}

export const toPublicAccount = (user: UserRow): PublicAccount => ({
  user_id: user.user_id,
  username: user.username,
  email: user.email,
  email_verified: user.email_verified_at !== null,
  display_name: user.display_name,
  locale: user.locale,
  created_at: user.created_at,
});

/** A device named by the client, or one derived from its user agent for plain web sign-ins. */
export function deviceOf(input: DeviceInput | undefined, origin: RequestOrigin) {
  const fingerprint =
    input?.fingerprint ??
    `ua:${createHash('sha256')
      .update(origin.userAgent ?? 'unknown')
      .digest('hex')
      .slice(0, 32)}`;
  return { fingerprint, type: input?.type ?? 'web', name: input?.name };
}

export function createAuthService(deps: IdentityDeps, tokens: TokenIssuer, throttle: LoginThrottle) {
  const argon2 = argon2ParametersFor(deps.config);
  const { db } = deps;

  /** Starts a session on a device and issues its first token pair (inside the caller's transaction). */
  async function startSession(
    tx: Queryable,
    user: { user_id: string },
    device: DeviceRow | null,
    origin: RequestOrigin,
    amr: readonly AuthMethod[] = [],
  ): Promise<TokenPair> {
    // Every way in (password, second factor, passkey, pairing, the OpenID provider) starts here.
    if (await isUserDisabled(tx, user.user_id)) throw IdentityErrors.accountDisabled();
    const expiresAt = new Date(deps.now().getTime() + SESSION_TTL_SECONDS * 1000);
    const session = await insertSession(tx, {
      userId: user.user_id,
      deviceId: device?.device_id ?? null,
      ip: origin.ip,
      userAgent: origin.userAgent,
      expiresAt,
      amr,
    });
    return issuePair(tx, session);
  }

  /**
   * The end of every sign-in with credentials (password, second factor, passkey): records the
   * device, mails a notice when it was never seen before, and starts the session.
   */
  async function completeSignIn(
    tx: Queryable,
    user: UserRow,
    input: {
      device: ReturnType<typeof deviceOf>;
      origin: RequestOrigin;
      amr: readonly AuthMethod[];
      consoleUrl: string;
      details?: Record<string, unknown>;
    },
  ): Promise<{ user: PublicAccount; deviceId: string } & TokenPair> {
    const deviceRow = await upsertDevice(
      tx,
      {
        userId: user.user_id,
        ...input.device,
        trustLevel: PASSWORD_DEVICE_TRUST,
        userAgent: input.origin.userAgent,
      },
      deps.now(),
    );
    await recordAudit(tx, user.user_id, 'login.succeeded', input.origin, {
      device_id: deviceRow.device_id,
      device_type: deviceRow.device_type,
      amr: input.amr,
      ...input.details,
    });
    if (deviceRow.is_new) {
      await requestMail(tx, deps, {
        app: 'calos',
        kind: 'new_sign_in',
        userId: user.user_id,
        consoleUrl: input.consoleUrl,
        data: {
          at: deps.now().toISOString(),
          device: deviceRow.device_name ?? describeUserAgent(input.origin.userAgent, deviceRow.device_type),
          ip: input.origin.ip,
        },
      });
    }
    const pair = await startSession(tx, user, deviceRow, input.origin, input.amr);
    return { user: toPublicAccount(user), deviceId: deviceRow.device_id, ...pair };
  }

  async function issuePair(tx: Queryable, session: SessionRow): Promise<TokenPair> {
    const refreshToken = randomToken();
    await insertRefreshToken(tx, {
      tokenHash: hashToken(refreshToken),
      sessionId: session.session_id,
      expiresAt: session.expires_at,
    });
    const plan = await currentPlan(tx, session.user_id, deps.now());
    const access = await tokens.issue(
      { userId: session.user_id, sessionId: session.session_id, plan, amr: session.amr },
      tx,
    );
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      refresh_token: refreshToken,
      session_id: session.session_id,
      device_id: session.device_id,
    };
  }

  const mapUniqueViolation = (error: unknown): never => {
    const pgError = error as { code?: string; constraint?: string; message?: string };
    if (pgError.code === '23505') {
      const which = `${pgError.constraint ?? ''} ${pgError.message ?? ''}`;
      throw which.includes('email') ? IdentityErrors.emailTaken() : IdentityErrors.usernameTaken();
    }
    throw error;
  };

  return {
    startSession,
    completeSignIn,

    async register(
      input: {
        username: string;
        email: string;
        password: string;
        display_name?: string;
        device?: DeviceInput;
      },
      origin: RequestOrigin,
      consoleUrl = defaultConsoleUrl(deps.config),
    ): Promise<{ user: PublicAccount } & TokenPair> {
      const username = input.username.trim();
      const email = input.email.trim().toLowerCase();
      checkPasswordPolicy(input.password, { username, email });
      const passwordHash = await hashPassword(input.password, argon2);
      return db
        .transaction(async (tx) => {
          const user = await insertUser(tx, {
            username,
            email,
            passwordHash,
            displayName: input.display_name,
          });
          await openCreditAccount(tx, user.user_id);
          const device = deviceOf(input.device, origin);
          const deviceRow = await upsertDevice(
            tx,
            {
              userId: user.user_id,
              ...device,
              trustLevel: PASSWORD_DEVICE_TRUST,
              userAgent: origin.userAgent,
            },
            deps.now(),
          );
          await recordAudit(tx, user.user_id, 'account.created', origin, { username });
          await requestMail(tx, deps, {
            app: 'calos',
            kind: 'email_verify',
            userId: user.user_id,
            consoleUrl,
            data: { reason: 'signup' },
          });
          const pair = await startSession(tx, user, deviceRow, origin, ['pwd']);
          return { user: toPublicAccount(user), ...pair };
        })
        .catch(mapUniqueViolation);
    },

    async login(
      input: { login: string; password: string; device?: DeviceInput; trusted_device_token?: string },
      origin: RequestOrigin,
      consoleUrl = defaultConsoleUrl(deps.config),
    ): Promise<({ user: PublicAccount } & TokenPair) | MfaRequired> {
      const ip = origin.ip ?? 'unknown';
      // Failures count against the account, whether it was named by username or by email.
      const user = await findUserByLogin(db, input.login.trim());
      const account = throttleAccount(user?.user_id, input.login);
      await throttle.check(account, ip);
      const ok = await verifyPassword(user?.password_hash, input.password);
      if (!user || !ok) {
        const { locked } = await throttle.recordFailure(account, ip);
        if (user) {
          await recordAudit(db, user.user_id, locked ? 'login.locked' : 'login.failed', origin, {});
        }
        throw IdentityErrors.invalidCredentials();
      }
      await throttle.recordSuccess(account, ip);
      if (needsRehash(user.password_hash, argon2)) {
        await updatePasswordHash(db, user.user_id, await hashPassword(input.password, argon2), null);
      }
      const device = deviceOf(input.device, origin);
      const trusted =
        input.trusted_device_token !== undefined &&
        (await isTrustedDevice(db, user.user_id, hashToken(input.trusted_device_token), deps.now()));
      if (!trusted && (await hasConfirmedTotp(db, user.user_id))) {
        // No session yet: the second factor finishes the sign-in (POST /api/auth/2fa/verify).
        const challenge = randomToken();
        const now = deps.now();
        await insertChallenge(db, {
          challengeHash: hashToken(challenge),
          userId: user.user_id,
          device: { ...device, ip: origin.ip, user_agent: origin.userAgent?.slice(0, 512) },
          now,
          expiresAt: new Date(now.getTime() + MFA_CHALLENGE_TTL_SECONDS * 1000),
        });
        return {
          mfa_required: true,
          mfa_challenge: challenge,
          expires_in: MFA_CHALLENGE_TTL_SECONDS,
          methods: [...SECOND_FACTOR_METHODS],
        };
      }
      return db.transaction(async (tx) => {
        const { deviceId: _deviceId, ...answer } = await completeSignIn(tx, user, {
          device,
          origin,
          amr: ['pwd'],
          consoleUrl,
          details: trusted ? { second_factor: 'trusted_device' } : {},
        });
        return answer;
      });
    },

    /** Exchanges a refresh token for a new pair; a spent token presented again ends the session. */
    async refresh(refreshToken: string, origin: RequestOrigin): Promise<TokenPair> {
      const outcome = await db.transaction(async (tx) => {
        const stored = await findRefreshTokenForUpdate(tx, hashToken(refreshToken));
        if (!stored) return { error: IdentityErrors.refreshTokenInvalid() };
        const session = await findSession(tx, stored.session_id);
        if (!session || session.revoked_at) return { error: IdentityErrors.sessionEnded() };
        if (stored.used_at) {
          await revokeSession(tx, session.session_id, 'refresh_reuse', deps.now());
          await recordAudit(tx, session.user_id, 'session.refresh_reuse', origin, {
            session_id: session.session_id,
          });
          return { error: IdentityErrors.refreshTokenReused() };
        }
        if (stored.expires_at <= deps.now() || session.expires_at <= deps.now()) {
          return { error: IdentityErrors.refreshTokenExpired() };
        }
        const now = deps.now();
        await markRefreshTokenUsed(tx, stored.token_hash, now);
        const expiresAt = new Date(now.getTime() + SESSION_TTL_SECONDS * 1000);
        await extendSession(tx, session.session_id, expiresAt, now);
        return { pair: await issuePair(tx, { ...session, expires_at: expiresAt }) };
      });
      // The revocation above must commit, so the error is thrown after the transaction.
      if ('error' in outcome) throw outcome.error;
      return outcome.pair;
    },

    async logout(userId: string, sessionId: string, origin: RequestOrigin): Promise<void> {
      await db.transaction(async (tx) => {
        await revokeSession(tx, sessionId, 'logout', deps.now());
        await recordAudit(tx, userId, 'logout.succeeded', origin, { session_id: sessionId });
      });
    },

    /**
     * Ends this session and every app session started from the console: CALOS's own apps'
     * (OpenID Connect, each its own session) and those of the deprecated /api/web codes.
     */
    async logoutEverywhere(userId: string, sessionId: string, origin: RequestOrigin) {
      return db.transaction(async (tx) => {
        const ids = [
          ...(await liveFirstPartySessionIds(tx, userId)),
          ...(await liveWebSessionIds(tx, userId)),
        ];
        for (const id of ids) await revokeSession(tx, id, 'logout', deps.now());
        await revokeSession(tx, sessionId, 'logout', deps.now());
        const ended = new Set([...ids, sessionId]).size;
        await recordAudit(tx, userId, 'logout.succeeded', origin, {
          session_id: sessionId,
          everywhere: true,
          sessions_ended: ended,
        });
        return { sessions_ended: ended };
      });
    },

    /** The live session behind an access token, or 401 when it has ended. */
    async assertSessionLive(userId: string, sessionId: string): Promise<SessionRow> {
      const session = await findSession(db, sessionId);
      if (!session || session.user_id !== userId || session.revoked_at || session.expires_at <= deps.now()) {
        throw IdentityErrors.sessionEnded();
      }
      return session;
    },

    async me(userId: string, sessionId: string) {
      const user = await findUserById(db, userId);
      if (!user) throw IdentityErrors.sessionEnded();
      const session = await findSession(db, sessionId);
      const plan = await currentPlan(db, userId, deps.now());
      return {
        user: toPublicAccount(user),
        plan,
        session: {
          session_id: sessionId,
          device_id: session?.device_id ?? null,
          created_at: session?.created_at,
          expires_at: session?.expires_at,
          amr: session?.amr ?? [],
        },
      };
    },

    async changePassword(
      userId: string,
      sessionId: string,
      input: { current_password: string; new_password: string },
      origin: RequestOrigin,
      consoleUrl = defaultConsoleUrl(deps.config),
    ): Promise<{ revokedSessions: number }> {
      const user = await findUserById(db, userId);
      if (!user || !(await verifyPassword(user.password_hash, input.current_password))) {
        throw IdentityErrors.passwordRequired();
      }
      checkPasswordPolicy(input.new_password, user);
      const hash = await hashPassword(input.new_password, argon2);
      return db.transaction(async (tx) => {
        await updatePasswordHash(tx, userId, hash, deps.now());
        const revokedSessions = await revokeOtherSessions(
          tx,
          userId,
          sessionId,
          'password_changed',
          deps.now(),
        );
        await recordAudit(tx, userId, 'password.changed', origin, { other_sessions_ended: revokedSessions });
        await requestMail(tx, deps, {
          app: 'calos',
          kind: 'password_changed',
          userId,
          consoleUrl,
          data: { at: deps.now().toISOString(), via: 'change' },
        });
        return { revokedSessions };
      });
    },

    async deleteAccount(userId: string, password: string): Promise<void> {
      const user = await findUserById(db, userId);
      if (!user) throw IdentityErrors.sessionEnded();
      if (!(await verifyPassword(user.password_hash, password))) throw IdentityErrors.passwordRequired();
      await db.transaction(async (tx) => {
        const deletedAt = deps.now();
        await enqueueEvent(
          tx,
          'user.deleted',
          { user_id: userId, deleted_at: deletedAt.toISOString() },
          deletedAt,
        );
        await deleteAuditOf(tx, userId);
        // Their upvotes go with them: the authors lose that karma (the apps delete the votes).
        await endVotesOf(tx, userId, deletedAt);
        // The account's grants go with it: keep what its apps must be told (back-channel logout).
        await oweLogoutsOf(tx, userId, deletedAt);
        const deleted = await deleteUser(tx, userId);
        if (!deleted) throw IdentityErrors.userNotFound();
        // Every service refuses the account's tokens from now on, not when they expire.
        await revokeUserTokens(tx, userId, 'account_deleted', deletedAt);
      });
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

/** A few words for a device from its user agent, for the "new sign-in" notice. */
export function describeUserAgent(userAgent: string | undefined, type: string): string {
  if (!userAgent) return `A ${type} device`;
  const browser =
    /\b(Edg|OPR|Firefox|Chrome|Chromium|Safari)\/[\d.]+/.exec(userAgent)?.[1]?.replace('Edg', 'Edge') ??
    'A browser';
  const system = /\((Windows|Macintosh|Linux|Android|iPhone|iPad|X11)[^)]*\)/.exec(userAgent)?.[1];
  return system ? `${browser} on ${system.replace('Macintosh', 'macOS').replace('X11', 'Linux')}` : browser;
}
