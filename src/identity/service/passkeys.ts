// Passkeys (WebAuthn, through @simplewebauthn/server): several per account, registered and used
// on identity's origin, the account console's, so one passkey serves every app (each signs in
// through the console). Signing in with one needs no password and counts as two factors when
// the authenticator verified its user.

import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { isUuid } from '../../platform/ids.ts';
import type { IdentityDeps, RequestOrigin } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import { requestMail } from '../mail/requests.ts';
import { recordAudit } from '../store/audit.ts';
import {
  deletePasskey,
  findPasskeyByCredential,
  insertPasskey,
  insertWebauthnChallenge,
  listPasskeys,
  type PasskeyRow,
  recordPasskeyUse,
  renamePasskey,
  spendWebauthnChallenge,
} from '../store/passkeys.ts';
import type { AuthMethod } from '../store/sessions.ts';
import { findUserById } from '../store/users.ts';
import type { AccountThrottles } from './account-throttles.ts';
import type { AuthService, DeviceInput } from './auth.ts';
import { deviceOf } from './auth.ts';
import { confirmPassword } from './reauth.ts';

export const PASSKEY_LIMIT = 20;
const CEREMONY_TIMEOUT_MS = 5 * 60_000;
const RP_NAME = 'CALOS';

/** Where the ceremony happens: the console's origin and its host name (the relying party id). */
export interface RelyingParty {
  rpId: string;
  origin: string;
}

export const relyingPartyOf = (consoleUrl: string): RelyingParty => {
  const url = new URL(consoleUrl);
  return { rpId: url.hostname, origin: url.origin };
};

export const toPublicPasskey = (row: PasskeyRow) => ({
  passkey_id: row.passkey_id,
  name: row.name,
  synced: row.device_type === 'multiDevice',
  backed_up: row.backed_up,
  created_at: row.created_at,
  last_used_at: row.last_used_at,
});

/** The challenge the browser signed, read from its client data (checked again by the library). */
function challengeOf(clientDataJSON: string): string {
  try {
    const challenge = (
      JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown }
    ).challenge;
    if (typeof challenge === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(challenge)) return challenge;
  } catch {
    // Unreadable: refused below.
  }
  throw IdentityErrors.passkeyChallengeInvalid();
}

const reasonOf = (error: unknown) =>
  (error instanceof Error ? error.message : 'unknown reason').slice(0, 200);

export function createPasskeyService(deps: IdentityDeps, auth: AuthService, throttles: AccountThrottles) {
  const { db } = deps;

  async function newChallenge(
    challenge: string,
    userId: string | null,
    purpose: 'register' | 'authenticate',
    rp: RelyingParty,
  ) {
    const now = deps.now();
    await insertWebauthnChallenge(db, {
      challenge,
      user_id: userId,
      purpose,
      rp_id: rp.rpId,
      origin: rp.origin,
      now,
      expiresAt: new Date(now.getTime() + CEREMONY_TIMEOUT_MS),
    });
  }

  return {
    list: async (userId: string) => (await listPasskeys(db, userId)).map(toPublicPasskey),

    /** Options for navigator.credentials.create(); the password proves it is the owner adding one. */
    async registrationOptions(userId: string, password: string, rp: RelyingParty) {
      const user = await confirmPassword(db, throttles, userId, password);
      const existing = await listPasskeys(db, userId);
      if (existing.length >= PASSKEY_LIMIT) throw IdentityErrors.passkeyLimitReached(PASSKEY_LIMIT);
      const options = await generateRegistrationOptions({
        rpName: RP_NAME,
        rpID: rp.rpId,
        userName: user.username,
        userDisplayName: user.display_name ?? user.username,
        userID: Buffer.from(user.user_id.replace(/-/g, ''), 'hex'),
        attestationType: 'none',
        timeout: CEREMONY_TIMEOUT_MS,
        excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: p.transports })),
        // A discoverable credential: signing in needs no username first.
        authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      });
      await newChallenge(options.challenge, userId, 'register', rp);
      return options;
    },

    async register(
      userId: string,
      input: { response: RegistrationResponseJSON; name?: string },
      origin: RequestOrigin,
      consoleUrl: string,
    ) {
      const challenge = challengeOf(input.response.response.clientDataJSON);
      const row = await spendWebauthnChallenge(db, challenge, 'register', deps.now());
      if (!row || row.user_id !== userId) throw IdentityErrors.passkeyChallengeInvalid();
      let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
      try {
        verification = await verifyRegistrationResponse({
          response: input.response,
          expectedChallenge: row.challenge,
          expectedOrigin: row.origin,
          expectedRPID: row.rp_id,
          requireUserVerification: false,
        });
      } catch (error) {
        throw IdentityErrors.passkeyRefused(reasonOf(error));
      }
      if (!verification.verified)
        throw IdentityErrors.passkeyRefused('the authenticator’s answer does not check out');
      const info = verification.registrationInfo;
      return db
        .transaction(async (tx) => {
          const count = (await listPasskeys(tx, userId)).length;
          if (count >= PASSKEY_LIMIT) throw IdentityErrors.passkeyLimitReached(PASSKEY_LIMIT);
          const passkey = await insertPasskey(tx, {
            user_id: userId,
            credential_id: info.credential.id,
            public_key: Buffer.from(info.credential.publicKey).toString('base64url'),
            counter: info.credential.counter,
            transports: info.credential.transports ?? [],
            device_type: info.credentialDeviceType,
            backed_up: info.credentialBackedUp,
            aaguid: info.aaguid,
            name: input.name?.trim() || `Passkey ${count + 1}`,
            rp_id: row.rp_id,
            created_at: deps.now(),
          });
          await recordAudit(tx, userId, 'passkey.added', origin, {
            passkey_id: passkey.passkey_id,
            name: passkey.name,
          });
          await requestMail(tx, deps, {
            app: 'calos',
            kind: 'two_factor_changed',
            userId,
            consoleUrl,
            data: { change: 'passkey_added', name: passkey.name, at: deps.now().toISOString() },
          });
          return toPublicPasskey(passkey);
        })
        .catch((error: unknown) => {
          if ((error as { code?: string }).code === '23505') throw IdentityErrors.passkeyAlreadyRegistered();
          throw error;
        });
    },

    async rename(userId: string, passkeyId: string, name: string, origin: RequestOrigin) {
      if (!isUuid(passkeyId)) throw IdentityErrors.passkeyNotFound();
      return db.transaction(async (tx) => {
        const renamed = await renamePasskey(tx, userId, passkeyId, name.trim());
        if (!renamed) throw IdentityErrors.passkeyNotFound();
        await recordAudit(tx, userId, 'passkey.renamed', origin, {
          passkey_id: passkeyId,
          name: renamed.name,
        });
        return toPublicPasskey(renamed);
      });
    },

    async remove(userId: string, passkeyId: string, origin: RequestOrigin) {
      if (!isUuid(passkeyId)) throw IdentityErrors.passkeyNotFound();
      await db.transaction(async (tx) => {
        const removed = await deletePasskey(tx, userId, passkeyId);
        if (!removed) throw IdentityErrors.passkeyNotFound();
        await recordAudit(tx, userId, 'passkey.removed', origin, {
          passkey_id: passkeyId,
          name: removed.name,
        });
      });
    },

    /** Options for navigator.credentials.get(): any passkey of this site, whoever's it is. */
    async authenticationOptions(rp: RelyingParty) {
      const options = await generateAuthenticationOptions({
        rpID: rp.rpId,
        userVerification: 'preferred',
        timeout: CEREMONY_TIMEOUT_MS,
      });
      await newChallenge(options.challenge, null, 'authenticate', rp);
      return options;
    },

    /** Signs in with a passkey instead of a password. */
    async signIn(
      input: { response: AuthenticationResponseJSON; device?: DeviceInput },
      origin: RequestOrigin,
      consoleUrl: string,
    ) {
      const challenge = challengeOf(input.response.response.clientDataJSON);
      const row = await spendWebauthnChallenge(db, challenge, 'authenticate', deps.now());
      if (!row) throw IdentityErrors.passkeyChallengeInvalid();
      const passkey = await findPasskeyByCredential(db, input.response.id);
      if (!passkey || passkey.rp_id !== row.rp_id) throw IdentityErrors.passkeyNotRecognised();
      let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
      try {
        verification = await verifyAuthenticationResponse({
          response: input.response,
          expectedChallenge: row.challenge,
          expectedOrigin: row.origin,
          expectedRPID: row.rp_id,
          credential: {
            id: passkey.credential_id,
            publicKey: new Uint8Array(Buffer.from(passkey.public_key, 'base64url')),
            counter: passkey.counter,
            transports: passkey.transports,
          },
          requireUserVerification: false,
        });
      } catch (error) {
        throw IdentityErrors.passkeyRefused(reasonOf(error));
      }
      if (!verification.verified) throw IdentityErrors.passkeyRefused('the signature does not check out');
      const info = verification.authenticationInfo;
      const amr: AuthMethod[] = [
        info.credentialDeviceType === 'multiDevice' ? 'swk' : 'hwk',
        'user',
        ...(info.userVerified ? (['mfa'] as const) : []),
      ];
      return db.transaction(async (tx) => {
        const user = await findUserById(tx, passkey.user_id);
        if (!user) throw IdentityErrors.passkeyNotRecognised();
        await recordPasskeyUse(tx, passkey.passkey_id, {
          counter: info.newCounter,
          backedUp: info.credentialBackedUp,
          now: deps.now(),
        });
        const { deviceId: _deviceId, ...answer } = await auth.completeSignIn(tx, user, {
          device: deviceOf(input.device, origin),
          origin,
          amr,
          consoleUrl,
          details: { passkey_id: passkey.passkey_id },
        });
        return answer;
      });
    },
  };
}

export type PasskeyService = ReturnType<typeof createPasskeyService>;
