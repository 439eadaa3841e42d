// Two-step verification with an authenticator app (TOTP, RFC 6238, through otpauth): set up
// with a QR code and confirmed by a first code; ten single-use recovery codes shown once; the
// second step of a sign-in (a code, or a recovery code), optionally remembering the browser.
// A code is accepted one step either side of now, and only once. Wrong codes count like wrong
// passwords.
import { randomBytes } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { open, seal } from '../../platform/crypto/envelope.ts';
import { hashToken, randomToken } from '../../platform/crypto/tokens.ts';
import type { IdentityDeps, RequestOrigin } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import { requestMail } from '../mail/requests.ts';
import { recordAudit } from '../store/audit.ts';
import type { AuthMethod } from '../store/sessions.ts';
import {
  confirmTotp,
  countChallengeFailure,
  countUnusedRecoveryCodes,
  deleteRecoveryCodes,
  deleteTotp,
  findLiveChallengeForUpdate,
  findTotp,
  forgetTrustedDevices,
  insertTrustedDevice,
  replaceRecoveryCodes,
  spendChallenge,
  upsertPendingTotp,
  useRecoveryCode,
  useTotpStep,
} from '../store/two-factor.ts';
import { findUserById } from '../store/users.ts';
import type { AccountThrottles } from './account-throttles.ts';
import type { AuthService, deviceOf } from './auth.ts';
import { confirmPassword } from './reauth.ts';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps either side of now that still count (clock drift between phone and server). */
export const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;
/** Wrong codes one sign-in step may take before it must start again. */
export const CHALLENGE_MAX_FAILURES = 5;
/** How long "remember this browser" lasts. */
export const TRUSTED_DEVICE_DAYS = 30;
const ISSUER = 'CALOS';

const totpAad = (userId: string) => `totp:${userId}`;

/** 12 characters of an alphabet without look-alikes (60 bits), shown as xxxx-xxxx-xxxx. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
function newRecoveryCode(): string {
  const bytes = randomBytes(12);
  const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}
/** Codes are compared without case, spaces or dashes, as people type them. */
const normaliseRecoveryCode = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');
const hashRecoveryCode = (code: string) => hashToken(`recovery:${normaliseRecoveryCode(code)}`);

const totpFor = (secret: OTPAuth.Secret, label: string) =>
  new OTPAuth.TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret,
  });

export function createTwoFactorService(deps: IdentityDeps, auth: AuthService, throttles: AccountThrottles) {
  const { db } = deps;

  /** The time step of a right code near now, or undefined. */
  function matchingStep(secretEncrypted: string, userId: string, code: string): number | undefined {
    const secret = OTPAuth.Secret.fromBase32(open(deps.masterKey, secretEncrypted, totpAad(userId)));
    const totp = totpFor(secret, userId);
    const timestamp = deps.now().getTime();
    const delta = totp.validate({ token: code.replace(/\s/g, ''), timestamp, window: TOTP_WINDOW });
    return delta === null ? undefined : totp.counter({ timestamp }) + delta;
  }

  const requirePassword = (userId: string, password: string) =>
    confirmPassword(db, throttles, userId, password);

  async function newRecoveryCodes(tx: Parameters<typeof replaceRecoveryCodes>[0], userId: string) {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await replaceRecoveryCodes(tx, userId, codes.map(hashRecoveryCode), deps.now());
    return codes;
  }

  return {
    async status(userId: string) {
      const totp = await findTotp(db, userId);
      return {
        totp_enabled: Boolean(totp?.confirmed_at),
        totp_enabled_at: totp?.confirmed_at ?? null,
        recovery_codes_left: totp?.confirmed_at ? await countUnusedRecoveryCodes(db, userId) : 0,
      };
    },

    /** Starts setting up an app: a fresh secret, as an otpauth:// URI and a QR code of it. */
    async startTotp(userId: string, password: string) {
      const user = await requirePassword(userId, password);
      const existing = await findTotp(db, userId);
      if (existing?.confirmed_at) throw IdentityErrors.twoFactorAlreadyEnabled();
      const secret = new OTPAuth.Secret({ size: 20 });
      await upsertPendingTotp(db, userId, seal(deps.masterKey, secret.base32, totpAad(userId)), deps.now());
      const uri = totpFor(secret, user.username).toString();
      return {
        otpauth_uri: uri,
        qr_code: await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 }),
        secret: secret.base32,
        digits: TOTP_DIGITS,
        period: TOTP_PERIOD_SECONDS,
      };
    },

    /** A first right code turns it on; the answer carries the recovery codes, shown this once. */
    async confirmTotp(userId: string, code: string, origin: RequestOrigin, consoleUrl: string) {
      const pending = await findTotp(db, userId);
      if (!pending) throw IdentityErrors.totpSetupNotStarted();
      if (pending.confirmed_at) throw IdentityErrors.twoFactorAlreadyEnabled();
      const step = matchingStep(pending.secret_encrypted, userId, code);
      if (step === undefined) throw IdentityErrors.totpCodeInvalid();
      return db.transaction(async (tx) => {
        if (!(await confirmTotp(tx, userId, step, deps.now())))
          throw IdentityErrors.twoFactorAlreadyEnabled();
        const codes = await newRecoveryCodes(tx, userId);
        await recordAudit(tx, userId, 'two_factor.enabled', origin, { method: 'totp' });
        await requestMail(tx, deps, {
          app: 'calos',
          kind: 'two_factor_changed',
          userId,
          consoleUrl,
          data: { change: 'totp_enabled', at: deps.now().toISOString() },
        });
        return { totp_enabled: true as const, recovery_codes: codes };
      });
    },

    async disableTotp(userId: string, password: string, origin: RequestOrigin, consoleUrl: string) {
      await requirePassword(userId, password);
      await db.transaction(async (tx) => {
        if (!(await deleteTotp(tx, userId))) throw IdentityErrors.twoFactorNotEnabled();
        await deleteRecoveryCodes(tx, userId);
        await forgetTrustedDevices(tx, userId);
        await recordAudit(tx, userId, 'two_factor.disabled', origin, { method: 'totp' });
        await requestMail(tx, deps, {
          app: 'calos',
          kind: 'two_factor_changed',
          userId,
          consoleUrl,
          data: { change: 'totp_disabled', at: deps.now().toISOString() },
        });
      });
    },

    /** Ten new recovery codes; the old ones stop working. */
    async regenerateRecoveryCodes(userId: string, password: string, origin: RequestOrigin) {
      await requirePassword(userId, password);
      const totp = await findTotp(db, userId);
      if (!totp?.confirmed_at) throw IdentityErrors.twoFactorNotEnabled();
      return db.transaction(async (tx) => {
        const codes = await newRecoveryCodes(tx, userId);
        await recordAudit(tx, userId, 'two_factor.recovery_codes_created', origin, {});
        return { recovery_codes: codes };
      });
    },

    /** The second step of a sign-in: a code from the app, or a recovery code. */
    async verifySignIn(
      input: { challenge: string; code?: string; recovery_code?: string; remember_device?: boolean },
      origin: RequestOrigin,
      consoleUrl: string,
    ) {
      const challengeHash = hashToken(input.challenge);
      const ip = origin.ip ?? 'unknown';
      await throttles.assertNotLocked('codeFailuresPerAddress', ip);
      const outcome = await db.transaction(async (tx) => {
        const now = deps.now();
        const challenge = await findLiveChallengeForUpdate(tx, challengeHash, now, CHALLENGE_MAX_FAILURES);
        const user = challenge && (await findUserById(tx, challenge.user_id));
        if (!challenge || !user) return { error: IdentityErrors.mfaChallengeInvalid() };
        await throttles.assertNotLocked('codeFailuresPerAccount', user.user_id);
        let method: 'totp' | 'recovery_code' | undefined;
        if (input.code !== undefined) {
          const totp = await findTotp(tx, user.user_id);
          const step = totp?.confirmed_at
            ? matchingStep(totp.secret_encrypted, user.user_id, input.code)
            : undefined;
          // A code already used (or older than one used) is refused like a wrong one.
          if (step !== undefined && (await useTotpStep(tx, user.user_id, step))) method = 'totp';
        } else if (input.recovery_code !== undefined) {
          if (await useRecoveryCode(tx, user.user_id, hashRecoveryCode(input.recovery_code), now))
            method = 'recovery_code';
        }
        if (!method) {
          await countChallengeFailure(tx, challengeHash);
          await recordAudit(tx, user.user_id, 'login.mfa_failed', origin, {});
          return { error: IdentityErrors.mfaCodeInvalid(), failedUser: user.user_id };
        }
        await spendChallenge(tx, challengeHash, now);
        if (method === 'recovery_code') {
          await recordAudit(tx, user.user_id, 'two_factor.recovery_code_used', origin, {
            left: await countUnusedRecoveryCodes(tx, user.user_id),
          });
        }
        const device = challenge.device as ReturnType<typeof deviceOf>;
        const amr: AuthMethod[] = ['pwd', 'otp', 'mfa'];
        const signedIn = await auth.completeSignIn(tx, user, {
          device: { fingerprint: device.fingerprint, type: device.type, name: device.name },
          origin,
          amr,
          consoleUrl,
          details: { second_factor: method },
        });
        const { deviceId, ...answer } = signedIn;
        let trustedDeviceToken: string | undefined;
        if (input.remember_device) {
          trustedDeviceToken = randomToken();
          await insertTrustedDevice(tx, {
            tokenHash: hashToken(trustedDeviceToken),
            userId: user.user_id,
            deviceId,
            now,
            expiresAt: new Date(now.getTime() + TRUSTED_DEVICE_DAYS * 86_400_000),
          });
        }
        return {
          answer: {
            ...answer,
            ...(trustedDeviceToken
              ? {
                  trusted_device_token: trustedDeviceToken,
                  trusted_device_expires_in: TRUSTED_DEVICE_DAYS * 86_400,
                }
              : {}),
          },
          userId: user.user_id,
        };
      });
      if ('error' in outcome) {
        if (outcome.failedUser) {
          await throttles.recordFailure('codeFailuresPerAccount', outcome.failedUser);
          await throttles.recordFailure('codeFailuresPerAddress', ip);
        }
        throw outcome.error;
      }
      await throttles.reset('codeFailuresPerAccount', outcome.userId);
      return outcome.answer;
    },
  };
}

export type TwoFactorService = ReturnType<typeof createTwoFactorService>;
