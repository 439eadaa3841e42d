// Pairing a device that cannot type a password (a voice assistant, a TV), as the OAuth 2.0
// Device Authorization Grant (RFC 8628): the device shows a short code, a signed-in person
// approves it, and the device's polling turns into its own session.
import { randomInt } from 'node:crypto';
import { hashToken, randomToken } from '../../platform/crypto/tokens.ts';
import { consume, createLimiter, peek } from '../../platform/rate-limit.ts';
import type { IdentityDeps, RequestOrigin } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import { requestMail } from '../mail/requests.ts';
import { recordAudit } from '../store/audit.ts';
import { type DeviceType, upsertDevice } from '../store/devices.ts';
import {
  decidePairing,
  findPairingByDeviceCodeForUpdate,
  findPendingPairingByUserCode,
  insertPairing,
  markPairingConsumed,
  recordPoll,
} from '../store/pairings.ts';
import type { AuthService, TokenPair } from './auth.ts';
import type { OidcService } from './oidc.ts';

export const PAIRING_TTL_SECONDS = 600;
export const POLL_INTERVAL_SECONDS = 5;
/** RFC 8628 §3.5: each slow_down adds 5 seconds to the interval. */
const SLOW_DOWN_STEP_SECONDS = 5;
/** Trust given to a device that never typed the password. */
export const PAIRED_DEVICE_TRUST = 30;
/** No vowels (no words), no 0/O/1/I (no misreading): RFC 8628 §6.1. */
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ23456789';

export type PollError =
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token'
  | 'access_denied'
  | 'invalid_grant';

export class DevicePollError extends Error {
  constructor(
    readonly error: PollError,
    readonly description: string,
  ) {
    super(description);
  }
}

/**
 * RFC 8628 §5.1: a user code is short, so wrong entries are limited, per account (a signed-in
 * person guessing) and per address (many accounts guessing from one place).
 */
export const USER_CODE_LIMITS = {
  perAccount: { points: 10, duration: 15 * 60, blockDuration: 15 * 60 },
  perAddress: { points: 30, duration: 60 * 60, blockDuration: 60 * 60 },
};

export const normalizeUserCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');
const formatUserCode = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

function newUserCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/**
 * Today's pairing endpoints (`/api/devices/pair/start`, `/pair/token`) and the provider's device
 * flow (RFC 8628 at `<issuer>/oidc/device/auth` and the token endpoint) share one approval: the
 * person enters either code on the console's pairing page, which calls `decide`.
 */
export function createPairingService(
  deps: IdentityDeps,
  auth: AuthService,
  deviceCodes?: Pick<OidcService, 'decideDeviceCode' | 'describeDeviceCode'>,
) {
  const { db } = deps;
  const wrongByAccount = createLimiter(deps.config, {
    keyPrefix: 'pair:code:account',
    ...USER_CODE_LIMITS.perAccount,
  });
  const wrongByAddress = createLimiter(deps.config, {
    keyPrefix: 'pair:code:ip',
    ...USER_CODE_LIMITS.perAddress,
  });

  /** 429 while this account or this address has entered too many wrong codes. */
  async function checkCodeAttempts(userId: string, ip: string) {
    const [account, address] = await Promise.all([peek(wrongByAccount, userId), peek(wrongByAddress, ip)]);
    const waits = [
      ...(account.consumed >= USER_CODE_LIMITS.perAccount.points ? [account.resetMs] : []),
      ...(address.consumed >= USER_CODE_LIMITS.perAddress.points ? [address.resetMs] : []),
    ];
    if (waits.length > 0)
      throw IdentityErrors.tooManyCodeAttempts(Math.max(1, Math.ceil(Math.max(...waits) / 1000)));
  }

  async function recordWrongCode(userId: string, ip: string) {
    await Promise.all([consume(wrongByAccount, userId), consume(wrongByAddress, ip)]);
  }

  return {
    async start(
      input: { device_type?: DeviceType; device_name?: string; fingerprint?: string },
      verificationUri: string,
    ) {
      const deviceCode = randomToken();
      const expiresAt = new Date(deps.now().getTime() + PAIRING_TTL_SECONDS * 1000);
      for (let attempt = 0; attempt < 5; attempt++) {
        const userCode = newUserCode();
        const inserted = await insertPairing(db, {
          deviceCodeHash: hashToken(deviceCode),
          userCode,
          deviceType: input.device_type ?? 'voice',
          deviceName: input.device_name ?? null,
          fingerprint: input.fingerprint ?? `paired:${randomToken(12)}`,
          intervalSeconds: POLL_INTERVAL_SECONDS,
          expiresAt,
        });
        if (inserted) {
          return {
            device_code: deviceCode,
            user_code: formatUserCode(userCode),
            verification_uri: verificationUri,
            verification_uri_complete: `${verificationUri}?user_code=${formatUserCode(userCode)}`,
            expires_in: PAIRING_TTL_SECONDS,
            interval: POLL_INTERVAL_SECONDS,
          };
        }
      }
      throw new Error('Could not find a free user code');
    },

    /**
     * What waits with this code, before the person approves it: a device of today's pairing, or an
     * app of the OpenID device flow with the scopes it asks for. Wrong codes count as for `decide`.
     */
    async check(userId: string, userCode: string, origin: RequestOrigin) {
      const ip = origin.ip ?? 'unknown';
      await checkCodeAttempts(userId, ip);
      const code = normalizeUserCode(userCode);
      if (/^[A-Z0-9]{8}$/.test(code)) {
        const pairing = await findPendingPairingByUserCode(db, code, deps.now());
        if (pairing) return { device_type: pairing.device_type, device_name: pairing.device_name };
        const app = await deviceCodes?.describeDeviceCode(code);
        if (app) return { device_type: 'voice' as const, device_name: app.client_name, app };
      }
      await recordWrongCode(userId, ip);
      throw IdentityErrors.userCodeNotFound();
    },

    /** A signed-in user approves (or denies) the device showing this code. */
    async decide(
      userId: string,
      userCode: string,
      approve: boolean,
      origin: RequestOrigin,
      consoleUrl: string,
    ) {
      const ip = origin.ip ?? 'unknown';
      await checkCodeAttempts(userId, ip);
      const code = normalizeUserCode(userCode);
      const decided = await db.transaction(async (tx) => {
        const pairing = /^[A-Z0-9]{8}$/.test(code)
          ? await findPendingPairingByUserCode(tx, code, deps.now())
          : undefined;
        if (!pairing) return undefined;
        await decidePairing(tx, pairing.pairing_id, { status: approve ? 'approved' : 'denied', userId });
        if (approve) {
          await recordAudit(tx, userId, 'device.paired', origin, {
            device_type: pairing.device_type,
            device_name: pairing.device_name,
          });
          // A paired device is a new sign-in like any other: the security notice goes out (an
          // attacker holding a session could pair a device of their own).
          await requestMail(tx, deps, {
            app: 'calos',
            kind: 'new_sign_in',
            userId,
            consoleUrl,
            data: {
              at: deps.now().toISOString(),
              device: pairing.device_name ?? `A paired ${pairing.device_type} device`,
              ip: origin.ip,
            },
          });
        }
        return {
          status: approve ? 'approved' : 'denied',
          device_type: pairing.device_type,
          device_name: pairing.device_name,
        };
      });
      // Not a pairing code: perhaps a code of the provider's device flow (same alphabet and shape).
      const viaProvider =
        decided ??
        (/^[A-Z0-9]{8}$/.test(code)
          ? await deviceCodes?.decideDeviceCode(userId, code, approve, origin, consoleUrl)
          : undefined);
      if (!viaProvider) {
        await recordWrongCode(userId, ip);
        throw IdentityErrors.userCodeNotFound();
      }
      return viaProvider;
    },

    /** The device's poll: an RFC 8628 error while waiting, its tokens once approved. */
    async poll(deviceCode: string, origin: RequestOrigin): Promise<TokenPair> {
      const outcome = await db.transaction(async (tx) => {
        const pairing = await findPairingByDeviceCodeForUpdate(tx, hashToken(deviceCode));
        if (!pairing || pairing.status === 'consumed') {
          return new DevicePollError('invalid_grant', 'The device code is unknown or was already used');
        }
        const now = deps.now();
        if (pairing.expires_at <= now)
          return new DevicePollError('expired_token', 'The device code has expired; start again');
        if (pairing.status === 'denied')
          return new DevicePollError('access_denied', 'The user denied this device');
        if (pairing.status === 'pending') {
          const tooSoon =
            pairing.last_polled_at !== null &&
            now.getTime() - pairing.last_polled_at.getTime() < pairing.interval_seconds * 1000;
          const interval = tooSoon
            ? pairing.interval_seconds + SLOW_DOWN_STEP_SECONDS
            : pairing.interval_seconds;
          await recordPoll(tx, pairing.pairing_id, Math.min(interval, 60), now);
          return tooSoon
            ? new DevicePollError('slow_down', `Poll at most every ${Math.min(interval, 60)} seconds`)
            : new DevicePollError('authorization_pending', 'Waiting for the user to approve this device');
        }
        const userId = pairing.user_id as string;
        const device = await upsertDevice(
          tx,
          {
            userId,
            fingerprint: pairing.device_fingerprint,
            type: pairing.device_type,
            name: pairing.device_name,
            trustLevel: PAIRED_DEVICE_TRUST,
            userAgent: origin.userAgent,
          },
          deps.now(),
        );
        await markPairingConsumed(tx, pairing.pairing_id);
        return auth.startSession(tx, { user_id: userId }, device, origin);
      });
      if (outcome instanceof DevicePollError) throw outcome;
      return outcome;
    },
  };
}

export type PairingService = ReturnType<typeof createPairingService>;
