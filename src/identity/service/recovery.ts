// Getting back in and proving an address: "forgot password" (a link mailed, answered the same
// whether or not the account exists), setting a new password with the link (every session and
// device ends), verifying the address at sign-up and changing it (the new address confirms,
// the old one is told).
import { hashToken } from '../../platform/crypto/tokens.ts';
import type { IdentityDeps, RequestOrigin } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import { requestMail, requestPasswordReset } from '../mail/requests.ts';
import {
  findLiveAccountToken,
  pendingEmailChange,
  spendAccountToken,
  voidAccountTokens,
} from '../store/account-tokens.ts';
import { recordAudit } from '../store/audit.ts';
import { markAllDevicesRevoked } from '../store/devices.ts';
import { revokeAllSessions } from '../store/sessions.ts';
import { forgetTrustedDevices } from '../store/two-factor.ts';
import {
  changeEmail,
  findUserById,
  isEmailTaken,
  markEmailVerified,
  updatePasswordHash,
} from '../store/users.ts';
import type { AccountThrottles } from './account-throttles.ts';
import { argon2ParametersFor, checkPasswordPolicy, hashPassword } from './passwords.ts';
import { confirmPassword } from './reauth.ts';

export const FORGOT_PASSWORD_ANSWER = {
  status: 'accepted',
  message:
    'If an account has that username or email, a link to choose a new password is on its way there. It works for 30 minutes.',
} as const;

const normaliseEmail = (email: string) => email.trim().toLowerCase();

export function createRecoveryService(deps: IdentityDeps, throttles: AccountThrottles) {
  const { db } = deps;

  return {
    /**
     * The same work and the same answer whatever `login` is: one sealed event in the outbox;
     * the mailer finds the account (or none) after the answer has gone.
     */
    async forgotPassword(login: string, origin: RequestOrigin, consoleUrl: string) {
      await throttles.enforce('forgotPerAddress', origin.ip ?? 'unknown');
      await db.transaction((tx) =>
        requestPasswordReset(tx, deps, {
          login: login.trim(),
          ip: origin.ip,
          user_agent: origin.userAgent?.slice(0, 512),
          console_url: consoleUrl,
        }),
      );
      return FORGOT_PASSWORD_ANSWER;
    },

    /** Sets the password from a mailed link; every session and device of the account ends. */
    async resetPassword(
      input: { token: string; password: string },
      origin: RequestOrigin,
      consoleUrl: string,
    ): Promise<{ sessions_ended: number }> {
      await throttles.enforce('linksTriedPerAddress', origin.ip ?? 'unknown');
      const tokenHash = hashToken(input.token);
      // Checked before spending, so a password the policy refuses leaves the link usable.
      const live = await findLiveAccountToken(db, tokenHash, 'password_reset', deps.now());
      const user = live && (await findUserById(db, live.user_id));
      if (!live || !user) throw IdentityErrors.resetTokenInvalid();
      checkPasswordPolicy(input.password, user);
      const hash = await hashPassword(input.password, argon2ParametersFor(deps.config));
      return db.transaction(async (tx) => {
        const now = deps.now();
        const spent = await spendAccountToken(tx, tokenHash, 'password_reset', now);
        if (!spent || spent.user_id !== user.user_id) throw IdentityErrors.resetTokenInvalid();
        await updatePasswordHash(tx, user.user_id, hash, now);
        await voidAccountTokens(tx, user.user_id, 'password_reset', now);
        // Every session ends (and every service hears it through the revocation feed).
        const ended = await revokeAllSessions(tx, user.user_id, 'password_reset', now);
        const devices = await markAllDevicesRevoked(tx, user.user_id, now);
        await forgetTrustedDevices(tx, user.user_id);
        await recordAudit(tx, user.user_id, 'password.reset', origin, {
          sessions_ended: ended,
          devices_signed_out: devices,
        });
        await requestMail(tx, deps, {
          app: 'calos',
          kind: 'password_changed',
          userId: user.user_id,
          consoleUrl,
          data: { at: now.toISOString(), via: 'reset' },
        });
        return { sessions_ended: ended };
      });
    },

    /** Follows a verification link: confirms the address, or moves the account to the new one. */
    async verifyEmail(token: string, origin: RequestOrigin) {
      await throttles.enforce('linksTriedPerAddress', origin.ip ?? 'unknown');
      return db.transaction(async (tx) => {
        const now = deps.now();
        const spent = await spendAccountToken(tx, hashToken(token), 'email_verify', now);
        const user = spent && (await findUserById(tx, spent.user_id));
        if (!spent?.email || !user) throw IdentityErrors.verifyTokenInvalid();
        if (normaliseEmail(spent.email) === normaliseEmail(user.email)) {
          await markEmailVerified(tx, user.user_id, spent.email, now);
          await recordAudit(tx, user.user_id, 'email.verified', origin, {});
          return { email: user.email, email_verified: true, changed: false };
        }
        if (await isEmailTaken(tx, spent.email, user.user_id)) throw IdentityErrors.emailTaken();
        await changeEmail(tx, user.user_id, spent.email, now);
        // Older links for the old address (or another new one) no longer mean anything.
        await voidAccountTokens(tx, user.user_id, 'email_verify', now);
        await recordAudit(tx, user.user_id, 'email.changed', origin, { from: user.email, to: spent.email });
        return { email: spent.email, email_verified: true, changed: true };
      });
    },

    async resendVerification(userId: string, consoleUrl: string) {
      const user = await findUserById(db, userId);
      if (!user) throw IdentityErrors.sessionEnded();
      if (user.email_verified_at) throw IdentityErrors.emailAlreadyVerified();
      await throttles.enforce('verifyMailsPerAccount', userId);
      await db.transaction((tx) =>
        requestMail(tx, deps, {
          app: 'calos',
          kind: 'email_verify',
          userId,
          consoleUrl,
          data: { reason: 'signup' },
        }),
      );
      return { status: 'sent' as const, email: user.email };
    },

    /**
     * Asks to move the account to another address: the new one gets a link that makes the change,
     * the current one is told. Nothing changes until the link is followed.
     */
    async requestEmailChange(
      userId: string,
      input: { email: string; password: string },
      origin: RequestOrigin,
      consoleUrl: string,
    ) {
      const user = await confirmPassword(db, throttles, userId, input.password);
      const email = normaliseEmail(input.email);
      if (email === normaliseEmail(user.email)) throw IdentityErrors.emailUnchanged();
      if (await isEmailTaken(db, email, userId)) throw IdentityErrors.emailTaken();
      await throttles.enforce('verifyMailsPerAccount', userId);
      await db.transaction(async (tx) => {
        const at = deps.now().toISOString();
        await requestMail(tx, deps, {
          app: 'calos',
          kind: 'email_verify',
          userId,
          to: email,
          consoleUrl,
          data: { reason: 'change' },
        });
        await requestMail(tx, deps, {
          app: 'calos',
          kind: 'email_change_notice',
          userId,
          to: user.email,
          consoleUrl,
          data: { new_email: email, at },
        });
        await recordAudit(tx, userId, 'email.change_requested', origin, { to: email });
      });
      return { email: user.email, pending_email: email };
    },

    async emailStatus(userId: string) {
      const user = await findUserById(db, userId);
      if (!user) throw IdentityErrors.sessionEnded();
      const pending = await pendingEmailChange(db, userId, user.email, deps.now());
      return {
        email: user.email,
        email_verified: user.email_verified_at !== null,
        pending_email: pending?.email ?? null,
      };
    },
  };
}

export type RecoveryService = ReturnType<typeof createRecoveryService>;
